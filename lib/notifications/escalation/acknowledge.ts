// "I'm on it": a recipient acknowledges a firing error or critical alert.
// The first acknowledgement is kept and told live to everyone the alert
// reaches; it stops the alert's escalation (a due step finds it and does
// nothing, lib/escalation/steps.ts). A later one answers the first.
import "server-only";
import { ApiError, notFound } from "../../server/errors";
import { audit } from "../../server/log";
import { needsSomeone, type Acknowledgement, type SessionUser } from "../../shared/types";
import { getStores } from "../../store";
import { funnelMember } from "../../store/funnel/types";
import { storedAndAddressed } from "../recipients";
import { whyNotFiring } from "./still-firing";

/** A recipient acknowledges; so may an admin (an escalation reaches the admins, who may not be its recipients). */
export async function acknowledgeAlert(user: SessionUser, id: string): Promise<{ acknowledgement: Acknowledgement; first: boolean }> {
  const store = getStores();
  const [alert] = user.role === "admin" ? await store.log.eventsByIds([id]) : await storedAndAddressed(user, [id]);
  if (!alert) throw notFound("This alert (or it is not addressed to you, or it is older than the history kept)");
  if (!needsSomeone(alert)) throw new ApiError(409, "Only a firing error or critical alert is acknowledged: this one needs nobody on it.");
  const stopped = await whyNotFiring(alert);
  if (stopped) throw new ApiError(409, `Nobody needs to be on this alert any more: ${stopped}.`);
  const mine: Acknowledgement = { userId: user.id, name: user.name, at: new Date().toISOString() };
  const answer = await store.escalations.acknowledge(alert.id, mine, alert.audience);
  if (answer.first) {
    await Promise.all([
      store.escalations.record(alert.id, { at: mine.at, kind: "stopped", text: `Acknowledged by ${user.name} <${user.email}>: escalation stops.` }),
      store.funnel.recordFunnel([{ notificationId: alert.id, stage: "acknowledged", member: funnelMember.user(user.id), count: 1 }], { id: user.id, label: `${user.name} <${user.email}>` }),
    ]);
    audit("acknowledge", { user: user.id, alert: alert.id });
  }
  return answer;
}
