// What an escalation step does when it comes due: nothing when someone
// acknowledged the alert, it was resolved, replaced by a newer one of its
// key, or expired; else step 1 reaches its recipients again (push and
// email) and plans step 2, which reaches the next list (the admins, or the
// addresses its sender named). Each step is written to the alert's history
// and POSTed to the escalation webhook.
import "server-only";
import type { Notification } from "../../shared/types";
import { getStores } from "../../store";
import type { Person } from "../../store/directory/types";
import type { DueStep, EscalationEvent } from "../../store/escalations/types";
import { addressedAmong, addressedAndUnmuted } from "../recipients";
import { reach, type Reachable, type Reached } from "./notify";
import { whyNotFiring } from "./still-firing";
import { postEscalationWebhook } from "./webhook";
import { roleFor } from "../../auth/users";

export async function runStep(step: DueStep, schedule: (next: DueStep) => Promise<void>): Promise<void> {
  const store = getStores();
  const [alert] = await store.log.eventsByIds([step.alertId]);
  // Trimmed from history: there is nothing left to show anyone.
  if (!alert) return;
  const acknowledgement = (await store.escalations.acknowledgements([alert.id])).get(alert.id);
  if (acknowledgement) return note(alert.id, "stopped", `Step ${step.step} came due: ${acknowledgement.name} is on it, nothing was sent.`);
  const stopped = await whyNotFiring(alert);
  if (stopped) return note(alert.id, "stopped", `Escalation stopped: ${stopped}.`);
  const [signedIn, devices] = await Promise.all([store.directory.people(), store.push.people()]);
  if (step.step === 1) {
    // Who signed in, and who subscribed a device (someone signed in before this release is known by that alone).
    const known = new Map<string, Reachable & { id: string }>(devices.map((d) => [d.userId, { id: d.userId, email: d.email, name: d.name }]));
    for (const person of signedIn) known.set(person.id, person);
    const reached = new Set(await addressedAndUnmuted(alert, [...known.keys()]));
    const outcome = await reach([...known.values()].filter((p) => reached.has(p.id)), alert, "Nobody has acknowledged this alert yet.", devices, () => true);
    await note(alert.id, "renotified", `Nobody acknowledged: sent again to its recipients. ${summary(outcome)}`);
    await webhook(alert, step, outcome);
    await schedule({ ...step, step: 2, dueAt: Date.now() + step.afterMs });
    return;
  }
  // An admin may acknowledge any alert; someone escalateTo names, only one addressed to them.
  const nextList = nextListOf(step, signedIn);
  const addressed = new Set(await addressedAmong(alert, nextList.flatMap((p) => (p.id ? [p.id] : []))));
  const mayAcknowledge = (p: Reachable) => isAdminNow(p) || (p.id !== undefined && addressed.has(p.id));
  const outcome = await reach(nextList, alert, "Nobody has acknowledged this alert: it is escalated to you.", devices, mayAcknowledge);
  const who = step.escalateTo === "admins" ? "the admins" : step.escalateTo.join(", ");
  await note(alert.id, "escalated", `Still nobody: escalated to ${who}. ${summary(outcome)}`);
  await webhook(alert, step, outcome);
}

function nextListOf(step: DueStep, people: Person[]): Reachable[] {
  if (step.escalateTo === "admins") return people.filter(isAdminNow);
  return step.escalateTo.map((email) => people.find((p) => p.email === email) ?? { email, name: email });
}

/** An admin by today's settings (ADMIN_EMAILS), or by the provider's groups at their last sign-in: someone removed from the list is no longer one. */
function isAdminNow(person: Reachable & { adminByGroup?: boolean }): boolean {
  return roleFor(person.email) === "admin" || person.adminByGroup === true;
}

function summary({ pushed, emailed }: Reached): string {
  const list = (names: string[]) => (names.length ? names.join(", ") : "nobody");
  return `Push: ${list(pushed)}. Email: ${list(emailed)}.`;
}

function slackEscaped(text: string) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

async function note(alertId: string, kind: EscalationEvent["kind"], text: string) {
  await getStores().escalations.record(alertId, { at: new Date().toISOString(), kind, text });
}

async function webhook(alert: Notification, step: DueStep, outcome: Reached) {
  // Slack reads <…> as links and mentions (<!channel>): a title a tool or a branch name wrote must stay text.
  const text = `${step.step === 1 ? "Unacknowledged" : "Escalated"} ${alert.severity} alert: ${slackEscaped(alert.title)}`;
  const result = await postEscalationWebhook({
    type: "escalation",
    step: step.step,
    text,
    alert: { id: alert.id, title: alert.title, body: alert.body, severity: alert.severity, link: alert.link ?? null, createdAt: alert.createdAt },
    reached: outcome,
    at: new Date().toISOString(),
  });
  if (!result) return;
  const how = result.status === null ? "no answer" : `HTTP ${result.status}`;
  await note(alert.id, "webhook", result.delivered ? `Webhook delivered (${how}, attempt ${result.attempts}).` : `Webhook failed after ${result.attempts} attempts (${how}).`);
}
