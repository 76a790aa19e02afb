import { describe, expect, it, vi } from "vitest";
import { REVOCATION_RECHECK_MS, SessionCache, sessionCookieKey } from "./session-cache";

const user = { id: "u_1", email: "a@example.com", name: "A", role: "member" as const };

describe("session cache", () => {
  // Regression: the cache was keyed by the whole Cookie header, so padding it
  // minted a new ~16 KB entry per request.
  it("keys on the session cookie alone, whatever else the Cookie header carries", () => {
    const session = { name: "next-auth.session-token", value: "eyJhbGciOi.jwe" };
    const keys = new Set(
      Array.from({ length: 50 }, (_, i) => sessionCookieKey([{ name: `pad${i}`, value: "x".repeat(8_000) }, session, { name: "next-auth.csrf-token", value: String(i) }])),
    );
    expect(keys.size).toBe(1);
    expect([...keys][0]).not.toContain("eyJ"); // a hash, not the cookie
    expect(sessionCookieKey([{ name: "next-auth.session-token", value: "other" }])).not.toBe([...keys][0]);
  });

  it("has no key without a session cookie, and reads chunked and __Secure- cookies", () => {
    expect(sessionCookieKey([{ name: "pad", value: "x" }])).toBeNull();
    const chunked = [
      { name: "__Secure-next-auth.session-token.1", value: "b" },
      { name: "__Secure-next-auth.session-token.0", value: "a" },
    ];
    expect(sessionCookieKey(chunked)).toBe(sessionCookieKey([...chunked].reverse()));
    expect(sessionCookieKey(chunked)).not.toBe(sessionCookieKey([chunked[1]!]));
  });

  const session = (sessionId: string, expiresAt = Date.now() + 60_000) => ({ user, sessionId, expiresAt });

  it("makes one key per session whatever the cookie's shape: empty chunks, or the token split another way", () => {
    const whole = sessionCookieKey([{ name: "next-auth.session-token", value: "abcdef" }]);
    const split = sessionCookieKey([
      { name: "next-auth.session-token.0", value: "abc" },
      { name: "next-auth.session-token.1", value: "def" },
    ]);
    const padded = sessionCookieKey([
      { name: "next-auth.session-token.0", value: "ab" },
      { name: "next-auth.session-token.1", value: "cdef" },
      ...Array.from({ length: 20 }, (_, i) => ({ name: `next-auth.session-token.${i + 2}`, value: "" })),
    ]);
    expect(new Set([whole, split, padded])).toEqual(new Set([whole]));
    expect(sessionCookieKey([{ name: "next-auth.session-token.5", value: "" }])).toBeNull();
  });

  it("holds at most its bound, and forgets an entry at the session's expiry", () => {
    const cache = new SessionCache(3);
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, session(`s${i}`));
    expect(cache.size).toBe(3);
    expect(cache.get("k9")?.session.user).toEqual(user);
    expect(cache.get("k0")).toBeNull();
    cache.set("expired", session("s", Date.now() - 1));
    expect(cache.get("expired")).toBeNull();
  });

  it("asks again whether a session was signed out after a second, and forgets a signed-out one at once", () => {
    vi.useFakeTimers();
    try {
      const cache = new SessionCache();
      cache.set("k1", session("s1"));
      cache.set("k2", session("s1"));
      cache.set("k3", session("s3"));
      expect(cache.get("k1")?.recheck).toBe(false);
      vi.advanceTimersByTime(REVOCATION_RECHECK_MS);
      expect(cache.get("k1")?.recheck).toBe(true);
      cache.markChecked("k1");
      expect(cache.get("k1")?.recheck).toBe(false);
      // Both cookies of the signed-out session go; the other session stays.
      cache.forgetSession("s1");
      expect(cache.get("k1")).toBeNull();
      expect(cache.get("k2")).toBeNull();
      expect(cache.get("k3")?.session.sessionId).toBe("s3");
    } finally {
      vi.useRealTimers();
    }
  });

  it("asks the store again only when sign-outs were not heard over the bus since the last check", () => {
    vi.useFakeTimers();
    try {
      const cache = new SessionCache();
      const busLiveSince = Date.now();
      vi.advanceTimersByTime(10);
      cache.set("k1", session("s1"));
      vi.advanceTimersByTime(REVOCATION_RECHECK_MS * 5);
      // Live since before the check: a sign-out since then would have been heard (and forgotten the session).
      expect(cache.get("k1", busLiveSince)?.recheck).toBe(false);
      // The bus went live (again) after the check: one could have been missed.
      expect(cache.get("k1", Date.now())?.recheck).toBe(true);
      expect(cache.get("k1", null)?.recheck).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
