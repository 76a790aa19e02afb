// An email address as the product compares them: one form per address, so two
// different addresses never become one person. The local part must be plain
// ASCII (a dot-atom): Unicode look-alikes such as the Kelvin sign, which NFKC
// and lower-casing would fold into another person's "k", are refused rather
// than folded. The domain is NFKC-normalised, lower-cased and written as IDNA
// ASCII (punycode), which the URL parser does the same way in Node and in
// browsers.

const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/i;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** The address's one form, or null when it is not an address this product accepts. */
export function parseEmailAddress(raw: string): string | null {
  const text = raw.trim();
  if (text.length > 254) return null;
  const at = text.indexOf("@");
  if (at <= 0 || at !== text.lastIndexOf("@")) return null;
  const local = text.slice(0, at);
  const domain = asciiDomain(text.slice(at + 1));
  if (local.length > 64 || !LOCAL_PART.test(local) || !domain) return null;
  return `${local.toLowerCase()}@${domain}`;
}

/** A domain in its one ASCII form (example.com, xn--…), or null: at least two labels, letters, digits and hyphens, a TLD that is not a number. */
export function asciiDomain(raw: string): string | null {
  const text = raw.trim().normalize("NFKC").toLowerCase();
  if (!text || /[\s/\\?#@:[\]%]/.test(text)) return null;
  let host: string;
  try {
    host = new URL(`http://${text}`).hostname;
  } catch {
    return null;
  }
  const labels = host.split(".");
  if (host.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels.at(-1)!)) return null;
  return host;
}

/**
 * A comma list of addresses (ADMIN_EMAILS, ALLOWED_EMAILS) or of domains
 * (ALLOWED_EMAIL_DOMAINS, "@" before each allowed): the set, or the first
 * entry that is not one, for the start to refuse with.
 */
export function parseList(value: string, kind: "address" | "domain"): { set: Set<string>; invalid: string | null } {
  const set = new Set<string>();
  for (const entry of value.split(",").map((s) => s.trim()).filter(Boolean)) {
    const parsed = kind === "address" ? parseEmailAddress(entry) : asciiDomain(entry.replace(/^@/, ""));
    if (!parsed) return { set, invalid: entry };
    set.add(parsed);
  }
  return { set, invalid: null };
}
