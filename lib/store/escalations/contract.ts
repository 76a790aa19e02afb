// What every backend of escalation state must do (run against each by contract.ts).
import { describe, expect, it } from "vitest";
import { until } from "@/testing/until";
import type { BusMessage } from "../bus/types";
import { useStores, type MakeStores } from "../contract-fixture";
import type { DueStep } from "./types";

const step = (alertId: string, dueAt: number, n: 1 | 2 = 1): DueStep => ({ alertId, step: n, dueAt, afterMs: 60_000, escalateTo: "admins" });

export function runEscalationsContract(name: string, make: MakeStores) {
  describe(`${name}: escalations`, () => {
    const stores = useStores(make);

    it("keeps the first acknowledgement of an alert, of many at once, and tells subscribers that one only", async () => {
      const escalations = stores().escalations;
      const received: BusMessage[] = [];
      const subscription = stores().log.subscribe((m) => m.type === "acknowledged" && received.push(m));
      await subscription.ready;
      const people = ["Alice", "Bob", "Carol", "Dan"];
      const answers = await Promise.all(
        people.map((name) => escalations.acknowledge("1-0", { userId: `u_${name}`, name, at: "2026-12-06T10:04:00.000Z" }, { kind: "channel", channel: "ops" })),
      );
      expect(answers.filter((a) => a.first)).toHaveLength(1);
      const winner = answers.find((a) => a.first)!.acknowledgement;
      expect(answers.every((a) => a.acknowledgement.userId === winner.userId)).toBe(true);
      expect(await escalations.acknowledgements(["1-0", "2-0"])).toEqual(new Map([["1-0", winner]]));
      await until(() => received.length === 1);
      expect(received).toEqual([{ type: "acknowledged", audience: { kind: "channel", channel: "ops" }, data: { id: "1-0", acknowledgement: winner } }]);
      // A later one is told nothing: one more acknowledgement and the first message stays the only one.
      await escalations.acknowledge("1-0", { userId: "u_Eve", name: "Eve", at: "2026-12-06T10:05:00.000Z" }, { kind: "all" });
      await escalations.acknowledge("3-0", { userId: "u_Eve", name: "Eve", at: "2026-12-06T10:05:00.000Z" }, { kind: "all" });
      await until(() => received.length === 2);
      expect(received[1]!.type === "acknowledged" && received[1]!.data.id).toBe("3-0");
      subscription.close();
    });

    it("hands each due step to one claimer, again after its lease unless done, and never before its time", async () => {
      const escalations = stores().escalations;
      await escalations.schedule(step("1-0", 1_000));
      await escalations.schedule(step("2-0", 5_000));
      await escalations.schedule(step("1-0", 3_000, 2));
      expect(await escalations.claimDue(500, 10_000, 10)).toEqual({ steps: [], nextDueAt: 1_000 });
      const claims = await Promise.all([1, 2, 3, 4].map(() => escalations.claimDue(3_000, 10_000, 10)));
      const claimed = claims.flatMap((c) => c.steps);
      expect(claimed.map((s) => `${s.alertId}:${s.step}`).sort()).toEqual(["1-0:1", "1-0:2"]);
      expect(claimed.find((s) => s.step === 1)).toEqual(step("1-0", 1_000));
      await escalations.done(step("1-0", 1_000));
      expect((await escalations.claimDue(4_000, 10_000, 10)).nextDueAt).toBe(5_000);
      // The claimer of 1-0:2 died: past its lease the step is due again.
      const late = await escalations.claimDue(13_000, 10_000, 10);
      expect(late.steps.map((s) => `${s.alertId}:${s.step}`).sort()).toEqual(["1-0:2", "2-0:1"]);
      expect(late.nextDueAt).toBe(23_000);
      await Promise.all(late.steps.map((s) => escalations.done(s)));
      expect(await escalations.claimDue(30_000, 10_000, 10)).toEqual({ steps: [], nextDueAt: null });
    });

    it("keeps each alert's escalation history in order, and the admins' defaults", async () => {
      const escalations = stores().escalations;
      const events = ["planned", "renotified", "stopped"] as const;
      for (const [i, kind] of events.entries()) await escalations.record("1-0", { at: `2026-12-06T10:0${i}:00.000Z`, kind, text: `${kind} ✓` });
      expect((await escalations.history("1-0")).map((e) => e.kind)).toEqual([...events]);
      expect(await escalations.history("2-0")).toEqual([]);
      expect(await escalations.defaults()).toEqual({});
      await escalations.setDefaults({ critical: 300, error: 3600 });
      expect(await escalations.defaults()).toEqual({ critical: 300, error: 3600 });
      await escalations.setDefaults({});
      expect(await escalations.defaults()).toEqual({});
    });
  });
}
