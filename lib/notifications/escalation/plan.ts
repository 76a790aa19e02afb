// When a firing error or critical alert is published, its escalation is
// planned: after its sender's escalateAfter, or the admins' default for its
// severity, step 1 comes due (lib/escalation/steps.ts).
import "server-only";
import type { PublishInput } from "../../shared/schemas";
import { needsSomeone, type Notification } from "../../shared/types";
import { getStores } from "../../store";
import type { EscalationDefaults } from "../../store/escalations/types";
import { log } from "../../server/log";
import { scheduleStep } from "./runner";
import { formatDelay } from "./delay";

export async function planEscalations(published: { notification: Notification; input: PublishInput }[]): Promise<void> {
  const firing = published.filter(({ notification }) => needsSomeone(notification));
  if (!firing.length) return;
  const store = getStores();
  const defaults: EscalationDefaults = firing.some(({ input }) => input.escalateAfter === undefined) ? await store.escalations.defaults().catch((error: Error) => {
          log().error({ component: "escalation" }, `defaults not read (only senders' delays apply): ${error.message}`);
          return {};
        })
      : {};
  for (const { notification: n, input } of firing) {
    const afterS = input.escalateAfter ?? defaults[n.severity];
    if (!afterS) continue;
    try {
      const escalateTo = input.escalateTo ?? "admins";
      await scheduleStep({ alertId: n.id, step: 1, dueAt: Date.parse(n.createdAt) + afterS * 1000, afterMs: afterS * 1000, escalateTo });
      const who = escalateTo === "admins" ? "the admins" : escalateTo.join(", ");
      await store.escalations.record(n.id, {
        at: new Date().toISOString(),
        kind: "planned",
        text: `Unacknowledged after ${formatDelay(afterS)}, it goes to its recipients again; ${formatDelay(afterS)} later, to ${who}.`,
      });
    } catch (error) {
      // Published already: a retry would send the alert twice. The log says which escalation was lost (the others go on).
      log().error({ component: "escalation", alert: n.id }, `escalation not planned: ${(error as Error).message}`);
    }
  }
}
