// An alert's life after it is sent: expiry. One rule for the server (history,
// counts, replay) and the browser (the feed drops it at its time, live).

export function isExpired(n: { expiresAt?: string }, now: number): boolean {
  return n.expiresAt !== undefined && Date.parse(n.expiresAt) <= now;
}

/** When the first of `items` still to expire does, or null when none will. */
export function nextExpiry(items: readonly { expiresAt?: string }[], now: number): number | null {
  let soonest: number | null = null;
  for (const { expiresAt } of items) {
    if (expiresAt === undefined) continue;
    const at = Date.parse(expiresAt);
    if (at > now && (soonest === null || at < soonest)) soonest = at;
  }
  return soonest;
}
