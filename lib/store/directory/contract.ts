// What every backend of the directory must do (run against each by contract.ts).
import { describe, expect, it } from "vitest";
import { alert, useStores, type MakeStores } from "../contract-fixture";

export function runDirectoryContract(name: string, make: MakeStores) {
  describe(`${name}: the directory`, () => {
    const stores = useStores(make);
    const names = async () => (await stores().directory.listChannels()).map((c) => c.name);

    it("starts with a catalog; admins create, change and delete channels; a publish creates none", async () => {
      expect(await names()).toEqual(["billing", "deploys", "incidents", "ops", "security"]);
      await stores().log.publish(alert("x", { kind: "channel", channel: "payments" }));
      expect(await names()).not.toContain("payments");
      expect(await stores().directory.putChannel({ name: "payments", description: "Charges", followedByDefault: false })).toBe("created");
      expect(await stores().directory.putChannel({ name: "payments", description: "Charges and refunds", followedByDefault: true })).toBe("updated");
      expect((await stores().directory.listChannels()).find((c) => c.name === "payments")).toEqual({ name: "payments", description: "Charges and refunds", followedByDefault: true });
      expect(await stores().directory.deleteChannel("deploys")).toBe(true);
      expect(await stores().directory.deleteChannel("deploys")).toBe(false);
      expect(await names()).toEqual(["billing", "incidents", "ops", "payments", "security"]);
    });

    it("keeps follows per user; someone who never chose follows the defaults of that moment, and an empty choice stays empty", async () => {
      expect(await stores().directory.getFollowing("alice")).toEqual(["ops"]);
      await stores().directory.setFollowing("bob", []);
      await stores().directory.putChannel({ name: "incidents", description: "", followedByDefault: true });
      expect(await stores().directory.getFollowing("alice")).toEqual(["ops"]);
      expect(await stores().directory.getFollowing("bob")).toEqual([]);
      expect(await stores().directory.getFollowing("carol")).toEqual(["incidents", "ops"]);
      await stores().directory.setFollowing("alice", ["deploys", "payments"]);
      expect(await stores().directory.getFollowing("alice")).toEqual(["deploys", "payments"]);
    });

    it("reads many people's follows in one go: a choice, an empty choice, and the defaults for someone who never chose", async () => {
      await stores().directory.setFollowing("alice", ["deploys", "billing"]);
      await stores().directory.setFollowing("bob", []);
      const read = await stores().directory.followingOf(["alice", "bob", "carol"]);
      expect(read).toEqual(new Map([["alice", ["billing", "deploys"]], ["bob", []], ["carol", ["ops"]]]));
    });

    it("remembers who signed in, as they last did", async () => {
      expect(await stores().directory.people()).toEqual([]);
      await stores().directory.rememberPerson({ id: "u_a", email: "alice@example.com", name: "Alice", role: "member" });
      await stores().directory.rememberPerson({ id: "u_b", email: "bob@example.com", name: "Bob", role: "member" });
      await stores().directory.rememberPerson({ id: "u_a", email: "alice@example.com", name: "Alice L.", role: "admin" });
      const people = (await stores().directory.people()).sort((x, y) => x.id.localeCompare(y.id));
      expect(people).toEqual([
        { id: "u_a", email: "alice@example.com", name: "Alice L.", role: "admin" },
        { id: "u_b", email: "bob@example.com", name: "Bob", role: "member" },
      ]);
    });
  });
}
