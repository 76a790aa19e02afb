// Each alert's funnel: targeted (streams connected at publish), delivered
// (stream writes, counted by each instance's hub), muted (people whose
// preferences muted it as it reached them), displayed (browsers'
// acknowledgements, with the time from publish to screen), read and opened
// (people). Written with store.recordFunnel (one command however many steps)
// and read for the admin pages.
import "server-only";
import { config } from "../server/config";
import { ApiError, notFound, tooMany } from "../server/errors";
import { storedAndAddressed } from "./recipients";
import type { AckInput } from "../shared/schemas";
import { getStores } from "../store";
import { funnelMember, type FunnelMark, type FunnelRecord } from "../store/funnel/types";
import type { AckResult, AlertDetail, AlertPage, AlertWithFunnel, Funnel, Notification, RecipientState, SessionUser } from "../shared/types";
import { log } from "../server/log";

export const ALERTS_PAGE_SIZE = 20;
export const RECIPIENTS_PAGE_SIZE = 50;

/**
 * Counts only: a failure is logged, never turned into an error for a publish
 * or a mark that already succeeded (a retried publish would send the alert
 * twice).
 */
async function recordBestEffort(marks: FunnelMark[]) {
  try {
    await getStores().funnel.recordFunnel(marks);
  } catch (error) {
    log().error({ component: "funnel" }, `counts lost: ${(error as Error).message}`);
  }
}

/** Each id the user read (snoozed, marked unread) counts once per person at that stage. */
export async function recordDone(user: SessionUser, stage: "read" | "snoozed" | "unread", ids: string[]) {
  await recordBestEffort(ids.map((id) => ({ notificationId: id, stage, member: funnelMember.user(user.id), count: 1 })));
}

/**
 * A browser's batch of acknowledgements: notifications it displayed (once
 * per browser, with when, on the server's clock) and links opened (the route
 * also marks those read). Every id must be stored and addressed to the user,
 * or nothing counts: a 400 names the ones at fault.
 */
export async function acknowledge(user: SessionUser, ack: AckInput): Promise<AckResult> {
  const store = getStores();
  const limit = await store.limits.rateLimit(`ack:${user.id}`, config().rateAckPerMin, 60);
  if (!limit.ok) throw tooMany(limit.retryAfterS, "acknowledgements");
  const asked = [...new Set([...ack.displayed.map((d) => d.id), ...ack.opened, ...ack.muted])];
  const mine = new Map((await storedAndAddressed(user, asked)).map((n) => [n.id, n]));
  const bad = asked.filter((id) => !mine.has(id));
  if (bad.length) throw new ApiError(400, `Unknown notifications, or not addressed to you: ${bad.join(", ")}. Nothing was counted.`, { field: "ids", ids: bad });

  const now = Date.now();
  const userMember = funnelMember.user(user.id);
  const marks: FunnelMark[] = [];
  // A person counts once, whatever their browsers or acknowledgements (the browser id is made up by the client),
  // and times the funnel only with a card shown as it was delivered: one opened later from history is no latency.
  for (const { id, displayedAt, live } of ack.displayed) {
    marks.push({
      notificationId: id,
      stage: "displayed",
      member: userMember,
      count: 1,
      ...(live ? { latencyMs: displayLatency(mine.get(id)!, displayedAt, now) } : {}),
    });
    // Shown from history, it reached them there: delivered (once a person, as a live delivery to them is),
    // so the funnel never says displayed to someone it was not delivered to.
    if (!live) marks.push({ notificationId: id, stage: "delivered", member: userMember, count: 1 });
  }
  for (const id of ack.opened) marks.push({ notificationId: id, stage: "opened", member: userMember, count: 1 });
  // Muted for them as it reached them (the browser holds their preferences when it arrives): not shown on purpose.
  for (const id of ack.muted) marks.push({ notificationId: id, stage: "muted", member: userMember, count: 1 });
  await store.funnel.recordFunnel(marks, { id: user.id, label: `${user.name} <${user.email}>` });
  return { displayed: ack.displayed.length, opened: ack.opened.length, muted: ack.muted.length };
}

/** From publish to screen; the browser's time is already on the server's clock, and is kept within what is possible. */
function displayLatency(n: Notification, displayedAt: number, now: number) {
  const published = Date.parse(n.createdAt);
  return Math.min(Math.max(0, displayedAt - published), now - published);
}

function toFunnel(record: FunnelRecord): Funnel {
  return { ...record.counts, displayLatencyMs: record.latency };
}

/** Every alert, newest first, whoever sent it, with its funnel. */
export async function alertsPage(cursor: string | null): Promise<AlertPage> {
  const store = getStores();
  const alerts = await store.log.eventsBefore(cursor, ALERTS_PAGE_SIZE);
  const funnels = await store.funnel.funnels(alerts.map((n) => n.id));
  return {
    items: alerts.map((n, i) => ({ ...n, funnel: toFunnel(funnels[i]!) })),
    nextCursor: alerts.length === ALERTS_PAGE_SIZE ? alerts.at(-1)!.id : null,
  };
}

/**
 * One alert with its funnel and its recipients' states, by user id, paged.
 * The recipients are the people the funnel has seen (delivered to, or who
 * acknowledged), and for a user audience that person whatever happened.
 */
export async function alertDetail(id: string, cursor: string | null): Promise<AlertDetail> {
  const store = getStores();
  const [alert] = await store.log.eventsByIds([id]);
  if (!alert) throw notFound("This alert (or it is older than the history kept)");
  const [[record], stages, acknowledgements, escalation] = await Promise.all([
    store.funnel.funnels([id]),
    store.funnel.funnelRecipients(id),
    store.escalations.acknowledgements([id]),
    store.escalations.history(id),
  ]);
  if (alert.audience.kind === "user" && !stages.has(alert.audience.userId)) stages.set(alert.audience.userId, new Set());
  const userIds = [...stages.keys()].sort().filter((userId) => cursor === null || userId > cursor);
  const page = userIds.slice(0, RECIPIENTS_PAGE_SIZE);
  const labels = await store.funnel.userLabels(page);
  const recipients: RecipientState[] = page.map((userId) => {
    const reached = stages.get(userId)!;
    return {
      userId,
      label: labels.get(userId) ?? null,
      delivered: reached.has("delivered") || reached.has("displayed") || reached.has("muted"),
      muted: reached.has("muted"),
      displayed: reached.has("displayed"),
      read: reached.has("read"),
      opened: reached.has("opened"),
      acknowledged: reached.has("acknowledged"),
    };
  });
  const withFunnel: AlertWithFunnel = { ...alert, funnel: toFunnel(record!) };
  return {
    alert: withFunnel,
    recipients,
    nextCursor: userIds.length > RECIPIENTS_PAGE_SIZE ? page.at(-1)! : null,
    acknowledgement: acknowledgements.get(id) ?? null,
    escalation,
  };
}
