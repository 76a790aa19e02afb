// Decrypting a session cookie (HKDF + JWE) costs more than the rest of a
// publish, so a cookie already decrypted is trusted again until its own expiry,
// at most a minute (ADMIN_EMAILS changes still apply within a minute). Keyed
// by a hash of the session cookie alone: the rest of the Cookie header is the
// client's to pad, and must not mint cache entries.
import { createHash } from "node:crypto";
import type { SessionUser } from "./users";

const SESSION_CACHE_MS = 60_000;
const SESSION_CACHE_MAX = 10_000;
/** next-auth's cookie, with the __Secure- prefix on https and ".0", ".1"… when chunked. */
const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token(\.\d+)?$/;

/** A key for the request's session cookie, or null when it carries none. */
export function sessionCookieKey(cookies: { name: string; value: string }[]): string | null {
  const parts = cookies
    .filter((c) => SESSION_COOKIE.test(c.name))
    .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }))
    .map((c) => `${c.name}=${c.value}`);
  return parts.length ? createHash("sha256").update(parts.join(";")).digest("base64url") : null;
}

export class SessionCache {
  private readonly entries = new Map<string, { user: SessionUser; until: number }>();

  constructor(private readonly max = SESSION_CACHE_MAX) {}

  get(key: string): SessionUser | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.until > Date.now()) return entry.user;
    this.entries.delete(key);
    return null;
  }

  set(key: string, user: SessionUser, expiresAt: number) {
    if (!this.entries.has(key) && this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { user, until: Math.min(expiresAt, Date.now() + SESSION_CACHE_MS) });
  }

  get size() {
    return this.entries.size;
  }
}
