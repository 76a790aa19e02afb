// HSTS: once a browser has seen the app over https, it never asks it over
// plain http again (no downgrade on a hostile network). Sent whenever the
// public URL (NEXTAUTH_URL) is https, on pages (proxy.ts) and API answers
// (lib/api/handler.ts) alike; never over plain http, where a browser ignores
// it and a local try-out must keep working.

/** A year, HSTS preload lists' minimum. */
const HSTS = "max-age=31536000; includeSubDomains";

export function transportSecurityHeader(publicUrl = process.env.NEXTAUTH_URL): string | null {
  return publicUrl?.startsWith("https://") ? HSTS : null;
}
