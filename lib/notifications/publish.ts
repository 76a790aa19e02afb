// Publishing: a notification (or a webhook's batch) stored, then sent on the
// bus to every instance, against its sender's publish budget.
import "server-only";
import { after } from "next/server";
import { planEscalations } from "./escalation/plan";
import { startEscalationPolling } from "./escalation/runner";
import { pushPublished } from "./push/on-publish";
import { maySignIn } from "../auth/allow";
import { userIdFor } from "../auth/users";
import { parseEmailAddress } from "../shared/email-address";
import { config } from "../server/config";
import { metrics } from "../server/metrics";
import { ApiError, tooMany } from "../server/errors";
import type { PublishInput } from "../shared/schemas";
import type { Audience, Integration, PublishResult, Sender, SessionUser } from "../shared/types";
import { getStores } from "../store";
import type { NewNotification, Revision } from "../store/log/types";
import { checkChannelsExist } from "./channels";
import { connectedRecipients } from "./recipients";
import { audit } from "../server/log";

/** Who sent a publish and how: the budget it counts against, the token and the integration it came through. */
export interface PublishOrigin {
  limitKey: string;
  tokenName?: string;
  via?: Integration;
}

/** One notification to publish, and what a tool's re-send of it is known by (lib/store/log/types.ts). */
export interface PublishItem {
  input: PublishInput;
  revision?: Revision;
}

export async function publishNotification(sender: SessionUser | Sender, input: PublishInput, origin: PublishOrigin): Promise<PublishResult> {
  return (await publishNotifications(sender, [{ input }], origin))[0]!;
}

/**
 * Publishes a batch in order, in one atomic step of the store: all of it or
 * none, so a webhook's retry never sends part of it twice. The whole batch
 * is taken from the sender's publish budget at once (429 otherwise). What a
 * revision says was applied already is left out of the answer: a retried
 * payload, or an alert re-sent unchanged, adds no card and no toast.
 */
export async function publishNotifications(sender: SessionUser | Sender, items: PublishItem[], origin: PublishOrigin): Promise<PublishResult[]> {
  const { deploymentProblem } = config();
  if (deploymentProblem) throw new ApiError(503, deploymentProblem);
  const store = getStores();
  if (!items.length) return [];
  // An escalation emails only people of this deployment: a publish token must not mail anyone it likes.
  const outsiders = items.flatMap(({ input }) => input.escalateTo ?? []).filter((address) => !maySignIn(address));
  if (outsiders.length) {
    throw new ApiError(400, `escalateTo names addresses that may not sign in here: ${[...new Set(outsiders)].join(", ")}. Escalations reach only this deployment's people.`, { field: "escalateTo" });
  }
  const channels = items.flatMap(({ input }) => (input.audience.kind === "channel" ? [input.audience.channel] : []));
  if (channels.length) await checkChannelsExist([...new Set(channels)], "audience.channel");
  const limit = await store.limits.rateLimit(`publish:${origin.limitKey}`, config().ratePublishPerMin, 60, items.length);
  if (!limit.ok) throw tooMany(limit.retryAfterS, "notifications sent");
  const from: Sender = {
    id: sender.id,
    name: sender.name,
    ...(origin.tokenName !== undefined ? { token: origin.tokenName } : {}),
    ...(origin.via !== undefined ? { via: origin.via } : {}),
  };
  const batch = items.map(({ input, revision }) => ({ notification: toStored(from, input), ...(revision ? { revision } : {}) }));
  // Counted as they go out, so the funnel's first stage costs no round trip of its own.
  const connected = await Promise.all(batch.map(({ notification }) => connectedRecipients(notification.audience)));
  const published = await store.log.publishAll(batch.map((item, i) => ({ ...item, targeted: connected[i] })));
  const source = origin.via ?? (origin.tokenName !== undefined ? "token" : "session");
  metrics().publishes.inc({ source }, published.filter(Boolean).length);
  audit("publish", { user: sender.id, source, ids: published.flatMap((n) => (n ? [n.id] : [])), unchanged: published.filter((n) => !n).length });
  const sent = published.flatMap((notification, i) => (notification ? [{ notification, input: items[i]!.input }] : []));
  // Planned before the answer (a lost plan is a lost escalation); pushed after it, so a publish waits on no push service.
  await planEscalations(sent);
  startEscalationPolling();
  after(() => pushPublished(sent.map((s) => s.notification)));
  return published.flatMap((notification, i) => (notification ? [{ ...notification, connectedRecipients: connected[i]! }] : []));
}

function toStored(sender: Sender, input: PublishInput): NewNotification {
  return {
    title: input.title,
    body: input.body,
    severity: input.severity,
    ...(input.link ? { link: input.link } : {}),
    audience: resolveAudience(input.audience),
    sender,
    ...(input.collapseKey ? { collapseKey: input.collapseKey } : {}),
    ...(input.status ? { status: input.status } : {}),
    ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
  };
}

/** An email in a user audience becomes that user's id (one no address parses to reaches nobody, as an unknown id does). */
function resolveAudience(audience: PublishInput["audience"]): Audience {
  if (audience.kind !== "user" || !audience.userId.includes("@")) return audience;
  const address = parseEmailAddress(audience.userId);
  return address ? { kind: "user", userId: userIdFor(address) } : audience;
}
