// What every backend of credentials must do (run against each by contract.ts).
import { describe, expect, it } from "vitest";
import { until } from "@/testing/until";
import type { BusMessage } from "../bus/types";
import type { TokenRecord } from "../credentials/types";
import { useStores, type MakeStores } from "../contract-fixture";

export function runCredentialsContract(name: string, make: MakeStores) {
  describe(`${name}: credentials`, () => {
    const stores = useStores(make);

    it("stores tokens by hash, lists them per user, revokes only the owner's", async () => {
      const record: TokenRecord = {
        id: "t_1", userId: "alice", email: "alice@example.com", name: "Alice",
        label: "ci", hash: "h1", createdAt: new Date().toISOString(), lastUsedAt: null,
      };
      await stores().credentials.createToken(record);
      expect(await stores().credentials.findTokenByHash("h1")).toEqual(record);
      expect(await stores().credentials.tokenExists("t_1")).toBe(true);
      expect(await stores().credentials.findTokenByHash("nope")).toBeNull();
      await stores().credentials.touchToken("t_1", "2026-01-01T00:00:00.000Z");
      expect((await stores().credentials.listTokens("alice"))[0]!.lastUsedAt).toBe("2026-01-01T00:00:00.000Z");
      expect(await stores().credentials.listTokens("bob")).toEqual([]);
      expect(await stores().credentials.deleteToken("bob", "t_1")).toBe(false);
      expect(await stores().credentials.deleteToken("alice", "t_1")).toBe(true);
      expect(await stores().credentials.findTokenByHash("h1")).toBeNull();
      expect(await stores().credentials.tokenExists("t_1")).toBe(false);
    });

    it("tells subscribers which token was revoked", async () => {
      const received: BusMessage[] = [];
      const subscription = stores().log.subscribe((m) => m.type !== "live" && received.push(m));
      await subscription.ready;
      await stores().credentials.createToken({ id: "t_2", userId: "alice", email: "a@x", name: "A", label: "x", hash: "h2", createdAt: "", lastUsedAt: null });
      await stores().credentials.deleteToken("alice", "t_2");
      await until(() => received.length === 1);
      expect(received[0]).toEqual({ type: "token-revoked", tokenId: "t_2" });
      subscription.close();
    });

    it("keeps a signed-out session refused until its expiry and tells subscribers", async () => {
      const received: BusMessage[] = [];
      const subscription = stores().log.subscribe((m) => m.type !== "live" && received.push(m));
      await subscription.ready;
      expect(await stores().credentials.isSessionRevoked("s_1")).toBe(false);
      await stores().credentials.revokeSession("s_1", Date.now() + 60_000);
      await stores().credentials.revokeSession("s_short", Date.now() + 150);
      expect(await stores().credentials.isSessionRevoked("s_1")).toBe(true);
      expect(await stores().credentials.isSessionRevoked("s_short")).toBe(true);
      expect(await stores().credentials.isSessionRevoked("s_2")).toBe(false);
      await until(() => received.length === 2);
      expect(received[0]).toEqual({ type: "session-revoked", sessionId: "s_1" });
      subscription.close();
      // The record lasts the session's lifetime, not for ever.
      await until(async () => !(await stores().credentials.isSessionRevoked("s_short")));
      expect(await stores().credentials.isSessionRevoked("s_1")).toBe(true);
    });

    it("gives an email sign-in link's address once, to one of many takers, and never after it expires", async () => {
      const credentials = stores().credentials;
      await credentials.keepSignInLink("h_once", "alice@example.com", 60_000);
      const takes = await Promise.all(Array.from({ length: 5 }, () => credentials.takeSignInLink("h_once")));
      expect(takes.filter((t) => t !== null)).toEqual(["alice@example.com"]);
      expect(await credentials.takeSignInLink("h_once")).toBeNull();
      expect(await credentials.takeSignInLink("h_never")).toBeNull();
      await credentials.keepSignInLink("h_short", "bob@example.com", 100);
      // Past its expiry (only ever later on a busy machine).
      await new Promise((r) => setTimeout(r, 150));
      expect(await credentials.takeSignInLink("h_short")).toBeNull();
    });
  });
}
