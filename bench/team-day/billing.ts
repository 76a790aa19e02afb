// The local Upstash endpoint's billing tally (GET /_local/billing: commands as Upstash bills them, by
// command and first keys), sorted into what they were for by the keys they touch (lib/store/redis/keys.ts).

export const CATEGORIES = [
  "admission",
  "resume",
  "subscription",
  "presence",
  "history",
  "acknowledgements",
  "marks",
  "signOutChecks",
  "admin",
  "publish",
  "push",
  "escalation",
  "other",
] as const;
export type Category = (typeof CATEGORIES)[number];

/** "EVALSHA ntf:log ntf:aud:all #3" → what it was for (a script's second key, or its argument count, when the first says too little). */
export function categoryOf(billedAs: string): Category {
  const parts = billedAs.split(" ");
  const [command = "", first = ""] = parts;
  const second = parts[2]?.startsWith("#") ? "" : (parts[2] ?? "");
  const scriptArgs = parts.at(-1)?.startsWith("#") ? Number(parts.at(-1)!.slice(1)) : null;
  if (command === "SUBSCRIBE" || command === "PSUBSCRIBE") return "subscription";
  // Who is pushed: the subscriptions and their severities, and the mutes of those a push or an escalation reaches.
  if (first === "ntf:push-people" || first === "ntf:push-severities" || (command.startsWith("EVAL") && first.startsWith("ntf:prefs:"))) return "push";
  if (first.startsWith("ntf:ack:") || first === "ntf:due" || first === "ntf:people" || first === "ntf:esc-defaults" || first.startsWith("ntf:esc-log:")) return "escalation";
  if (first.startsWith("ntf:stream-") || first.startsWith("ntf:rl:connect")) return "admission";
  if (first.startsWith("ntf:alive:") || first === "ntf:presence" || first === "ntf:delivered") return "presence";
  if (first.startsWith("ntf:revoked:")) return "signOutChecks";
  // The budget of requests that have none of their own (RATE_REQUESTS_PER_MIN): in a team's day, /admin's figures and alerts.
  if (first.startsWith("ntf:rl:requests")) return "admin";
  if (first.startsWith("ntf:rl:publish") || (first === "ntf:log" && second === "ntf:bus")) return "publish";
  // The history page and every count: follows, the inbox state, the page scripts, collapse scopes, the search's sizes.
  if (
    first.startsWith("ntf:rl:history") ||
    first.startsWith("ntf:follows:") ||
    first.startsWith("ntf:read-upto:") ||
    first === "ntf:collapse" ||
    second.startsWith("ntf:aud:") ||
    first.startsWith("ntf:aud:")
  )
    return "history";
  // The funnel: its keyless scripts (records from acknowledgements and delivery reports; the alert pages' reads
  // are the admin's, found as the admin part's excess).
  if (first.startsWith("ntf:rl:ack") || first.startsWith("ntf:funnel:") || first === "ntf:users" || (command.startsWith("EVAL") && first.startsWith("#")))
    return "acknowledgements";
  // What a mark tells the person's other tabs and devices.
  if (command === "PUBLISH" && first === "ntf:bus") return "marks";
  // A new stream's `connected` says the inbox version (GET); a mark moves it on (INCRBY, with the mark).
  if (command === "GET" && first.startsWith("ntf:inbox-version:")) return "resume";
  if (["ntf:rl:read", "ntf:read:", "ntf:unread:", "ntf:snoozed:", "ntf:unarchived:", "ntf:seen-upto:", "ntf:archived", "ntf:inbox-version:", "ntf:prefs:"].some((p) => first.startsWith(p))) return "marks";
  // The log alone: the ids an acknowledgement or mark names (a script with them as arguments), the admin's
  // alert list (XREVRANGE), or a resume's stream info (a script without arguments) and range.
  if (first === "ntf:log") return scriptArgs ? "acknowledgements" : command === "XREVRANGE" ? "admin" : "resume";
  return "other";
}

/** Billed commands by category since the last reset (and resets when asked); `detail` logs the most billed, as counted. */
export async function billedSince(upstash: { url: string; token: string }, reset = false, detail = false): Promise<Record<Category, number>> {
  const res = await fetch(`${upstash.url}/_local/billing${reset ? "?reset=1" : ""}`, { headers: { authorization: `Bearer ${upstash.token}` } });
  if (!res.ok) throw new Error(`billing tally: ${res.status} ${await res.text()}`);
  const { commands } = (await res.json()) as { commands: Record<string, number> };
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  const unsorted: string[] = [];
  for (const [billedAs, count] of Object.entries(commands)) {
    const category = categoryOf(billedAs);
    byCategory[category] += count;
    if (category === "other") unsorted.push(`${billedAs} ×${count}`);
  }
  if (unsorted.length) console.log(`  not sorted: ${unsorted.slice(0, 10).join(", ")}`);
  if (detail) {
    const top = Object.entries(commands).sort((a, b) => b[1] - a[1]).slice(0, 25);
    for (const [billedAs, count] of top) console.log(`  ${String(count).padStart(6)}  ${categoryOf(billedAs).padEnd(16)} ${billedAs}`);
  }
  return byCategory;
}
