// One round of an escalation reaching people: every device they subscribed
// to push, and an email when the deployment sends email.
import "server-only";
import { pushMessageOf } from "../push/message";
import { pushToDevices } from "../push/send";
import type { PushPerson } from "../../store/push/types";
import { mailOn, sendMail } from "../../server/mail";
import { publicOrigin } from "../../server/public-origin";
import { log } from "../../server/log";
import { notificationLinkTarget } from "../../shared/links";
import type { Notification } from "../../shared/types";

/** Someone to reach: a person who signed in here (with an id), or only an address named by the sender. */
export interface Reachable {
  id?: string;
  email: string;
  name: string;
}

export interface Reached {
  /** Names of those a device of theirs took the push. */
  pushed: string[];
  /** Names of those an email went to. */
  emailed: string[];
}

/**
 * `subscribed`: everyone's devices (PushStore.people()), read once by the
 * caller; `mayAcknowledge`: whether the person may acknowledge it (a recipient
 * or an admin): the push offers Acknowledge, the email says where, only then.
 */
export async function reach(people: Reachable[], alert: Notification, reason: string, subscribed: PushPerson[], mayAcknowledge: (person: Reachable) => boolean): Promise<Reached> {
  const devices = new Map(subscribed.map((p) => [p.userId, p]));
  const message = pushMessageOf(alert, reason);
  const outcomes = await Promise.all(
    people.map(async (person) => {
      const acknowledgeable = mayAcknowledge(person);
      return {
        person,
        pushed: person.id && devices.has(person.id) ? (await pushToDevices(devices.get(person.id)!, { ...message, acknowledgeable: message.acknowledgeable && acknowledgeable })) > 0 : false,
        emailed: mailOn() ? await emailed(person, alert, reason, acknowledgeable) : false,
      };
    }),
  );
  return {
    pushed: outcomes.filter((o) => o.pushed).map((o) => o.person.name),
    emailed: outcomes.filter((o) => o.emailed).map((o) => o.person.name),
  };
}

/** The alert's link as an email can carry it: an app path only with the deployment's address in front of it. */
function linkForEmail(link: string | undefined, origin: string | null): string | null {
  const target = link ? notificationLinkTarget(link) : null;
  if (!target) return null;
  if (target.kind === "external") return target.href;
  return origin ? `${origin}${target.path}` : null;
}

async function emailed(person: Reachable, alert: Notification, reason: string, acknowledgeable: boolean): Promise<boolean> {
  const origin = publicOrigin();
  const link = linkForEmail(alert.link, origin);
  const lines = [
    `${alert.severity.toUpperCase()}: ${alert.title}`,
    "",
    ...(alert.body ? [alert.body, ""] : []),
    reason,
    ...(origin ? ["", acknowledgeable ? `Acknowledge it on the dashboard: ${origin}/` : `The dashboard: ${origin}/`] : []),
    ...(link ? [`More: ${link}`] : []),
    "",
    `Sent ${alert.createdAt} by ${alert.sender.name}.`,
  ];
  try {
    await sendMail({ to: person.email, subject: `[${alert.severity.toUpperCase()}] ${alert.title} — nobody has acknowledged it`, text: `${lines.join("\n")}\n` });
    return true;
  } catch (error) {
    log().error({ component: "escalation" }, `email to ${person.email} failed: ${(error as Error).message}`);
    return false;
  }
}
