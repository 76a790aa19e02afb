// What a push carries to the service worker (public/sw.js), which shows it
// as a notification: small (push services take at most 4 KB encrypted), and
// nothing the card would not show.
import { collapseScope } from "../../shared/audience";
import { needsSomeone, type Notification, type Severity } from "../../shared/types";

export interface PushMessage {
  id: string;
  title: string;
  body: string;
  severity: Severity;
  /** Where Open goes: the alert's link, or the dashboard. */
  url: string;
  /** A later push with the same tag replaces this one on the device (a resolved notice its firing alert). */
  tag: string;
  /** Offers Acknowledge. */
  acknowledgeable: boolean;
  /** Why it comes again: set by an escalation step. */
  reason?: string;
}

/** Bodies are cut here: a notification shows a few lines, and the payload has a size limit. */
const BODY_MAX = 400;

export function pushMessageOf(n: Notification, reason?: string): PushMessage {
  return {
    id: n.id,
    title: n.title,
    body: n.body.length > BODY_MAX ? `${n.body.slice(0, BODY_MAX - 1)}…` : n.body,
    severity: n.severity,
    url: n.link ?? "/",
    tag: collapseScope(n) ?? n.id,
    acknowledgeable: needsSomeone(n),
    ...(reason ? { reason } : {}),
  };
}
