// Decrypting a session cookie (HKDF + JWE) costs more than the rest of a
// publish, so a cookie already decrypted is trusted again until its own expiry,
// at most a minute (ADMIN_EMAILS changes still apply within a minute). Whether
// the session was signed out is asked of the store again after a second (one
// read per session and instance a second, however many requests), unless
// sign-outs have reached this process over the bus since it was last asked. Keyed by a
// hash of the session cookie alone: the rest of the Cookie header is the
// client's to pad, and must not mint cache entries.
import { createHash } from "node:crypto";
import type { SessionUser } from "../shared/types";

const SESSION_CACHE_MS = 60_000;
/** A sign-out on another instance is seen within this long (on this one, at once). */
export const REVOCATION_RECHECK_MS = 1_000;
const SESSION_CACHE_MAX = 10_000;
/** next-auth's cookie, with the __Secure- prefix on https and ".0", ".1"… when chunked. */
const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token(\.\d+)?$/;

/**
 * A key for the request's session cookie, or null when it carries none: the
 * token as next-auth reads it (its chunks joined in order), so empty chunks
 * or one token split across chunks another way make no new entry (each would
 * cost a decrypt and evict someone else's).
 */
export function sessionCookieKey(cookies: { name: string; value: string }[]): string | null {
  const chunks = cookies
    .map((c) => ({ match: SESSION_COOKIE.exec(c.name), value: c.value }))
    .filter((c) => c.match && c.value)
    .sort((a, b) => Number(a.match![2]?.slice(1) ?? -1) - Number(b.match![2]?.slice(1) ?? -1));
  if (!chunks.length) return null;
  const secure = chunks[0]!.match![1] ? "secure:" : "";
  return createHash("sha256").update(secure + chunks.map((c) => c.value).join("")).digest("base64url");
}

/** A decrypted session cookie: who, which session (for sign-out), until when. */
export interface SessionInfo {
  user: SessionUser;
  sessionId: string;
  /** The JWT's expiry (ms since epoch). */
  expiresAt: number;
}

interface Entry {
  session: SessionInfo;
  until: number;
  /** When the store last said this session was not signed out. */
  checkedAt: number;
}

export class SessionCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly max = SESSION_CACHE_MAX) {}

  /**
   * The cached session, and whether its sign-out state must be asked again
   * first. `signOutsHeardSince`: since when every sign-out reaches this
   * process as it happens (the hub's live bus subscription); a session
   * checked after that needs no asking again (a request cost a
   * command a second per session).
   */
  get(key: string, signOutsHeardSince: number | null = null): { session: SessionInfo; recheck: boolean } | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    const now = Date.now();
    const heard = signOutsHeardSince !== null && signOutsHeardSince <= entry.checkedAt;
    if (entry.until > now) return { session: entry.session, recheck: !heard && now - entry.checkedAt >= REVOCATION_RECHECK_MS };
    this.entries.delete(key);
    return null;
  }

  /** Stores a session the store has just said is not signed out. */
  set(key: string, session: SessionInfo) {
    if (!this.entries.has(key) && this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    const now = Date.now();
    this.entries.set(key, { session, until: Math.min(session.expiresAt, now + SESSION_CACHE_MS), checkedAt: now });
  }

  markChecked(key: string) {
    const entry = this.entries.get(key);
    if (entry) entry.checkedAt = Date.now();
  }

  /** A signed-out session is forgotten at once on this instance. */
  forgetSession(sessionId: string) {
    for (const [key, entry] of this.entries) if (entry.session.sessionId === sessionId) this.entries.delete(key);
  }

  get size() {
    return this.entries.size;
  }
}
