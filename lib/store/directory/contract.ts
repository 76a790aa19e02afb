// What every backend of the directory must do (run against each by contract.ts).
import { describe, expect, it } from "vitest";
import { alert, useStores, type MakeStores } from "../contract-fixture";

export function runDirectoryContract(name: string, make: MakeStores) {
  describe(`${name}: the directory`, () => {
    const stores = useStores(make);

    it("lists channels, learns new ones from publishes, and keeps follows per user", async () => {
      expect((await stores().directory.listChannels()).map((c) => c.name)).toContain("deploys");
      await stores().log.publish(alert("x", { kind: "channel", channel: "payments" }));
      expect((await stores().directory.listChannels()).map((c) => c.name)).toContain("payments");
      await stores().directory.setFollowing("alice", ["deploys", "payments"]);
      expect(await stores().directory.getFollowing("alice")).toEqual(["deploys", "payments"]);
      await stores().directory.setFollowing("alice", []);
      expect(await stores().directory.getFollowing("alice")).toEqual([]);
    });
  });
}
