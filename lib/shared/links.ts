// Where a user-supplied URL really leads, decided the way browsers decide it.
// Shared by the sign-in redirect, the publish schema and the notification card
// (server and browser), so a value that passes one passes all.

/** A stand-in origin: a path that resolves against it to another origin leaves the app. */
const PROBE_ORIGIN = "http://app.invalid";

/**
 * The app path `value` leads to, or null when a browser would leave the app.
 * Browsers drop tabs and newlines from URLs and read backslashes as slashes,
 * so `/\t/evil.example` and `/\evil.example` are the protocol-relative
 * `//evil.example`: those are cleaned the same way before resolving.
 */
export function sameOriginPath(value: string): string | null {
  const cleaned = value.replace(/[\t\n\r]/g, "").replace(/\\/g, "/");
  if (!cleaned.startsWith("/") || cleaned.startsWith("//")) return null;
  let url: URL;
  try {
    url = new URL(cleaned, PROBE_ORIGIN);
  } catch {
    return null;
  }
  // Dot segments can collapse into a protocol-relative path ("/..//evil.example" is "//evil.example").
  if (url.origin !== PROBE_ORIGIN || url.pathname.startsWith("//")) return null;
  return url.pathname + url.search + url.hash;
}

/** A notification link, classified: an app path, an external https URL (with its host), or nothing safe to show. */
export type NotificationLinkTarget = { kind: "app"; path: string } | { kind: "external"; href: string; host: string } | null;

export function notificationLinkTarget(link: string): NotificationLinkTarget {
  // Any character browsers would silently drop makes the link a disguise.
  if (/[\u0000-\u001f\u007f\\]/.test(link)) return null;
  if (link.startsWith("/")) {
    const path = sameOriginPath(link);
    return path ? { kind: "app", path } : null;
  }
  try {
    const url = new URL(link);
    return url.protocol === "https:" && url.host ? { kind: "external", href: url.href, host: url.host } : null;
  } catch {
    return null;
  }
}
