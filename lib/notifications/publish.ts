// Publishing: a notification (or a webhook's batch) stored, then sent on the
// bus to every instance, against its sender's publish budget.
import "server-only";
import { normalizeEmail, userIdFor } from "../auth/users";
import { config } from "../server/config";
import { ApiError, tooMany } from "../server/errors";
import type { PublishInput } from "../shared/schemas";
import type { Audience, Integration, PublishResult, Sender, SessionUser } from "../shared/types";
import { getStores } from "../store";
import { connectedRecipients } from "./recipients";

/** Who sent a publish and how: the budget it counts against, the token and the integration it came through. */
export interface PublishOrigin {
  limitKey: string;
  tokenName?: string;
  via?: Integration;
}

export async function publishNotification(sender: SessionUser | Sender, input: PublishInput, origin: PublishOrigin): Promise<PublishResult> {
  return (await publishNotifications(sender, [input], origin))[0]!;
}

/**
 * Publishes each in order. The whole batch is taken from the sender's
 * publish budget at once: a webhook's payload is sent whole or not at all
 * (429), so its retry never sends half of it twice.
 */
export async function publishNotifications(sender: SessionUser | Sender, inputs: PublishInput[], origin: PublishOrigin): Promise<PublishResult[]> {
  const { deploymentProblem } = config();
  if (deploymentProblem) throw new ApiError(503, deploymentProblem);
  const store = getStores();
  if (!inputs.length) return [];
  const limit = await store.limits.rateLimit(`publish:${origin.limitKey}`, config().ratePublishPerMin, 60, inputs.length);
  if (!limit.ok) throw tooMany(limit.retryAfterS, "notifications sent");
  const from: Sender = {
    id: sender.id,
    name: sender.name,
    ...(origin.tokenName !== undefined ? { token: origin.tokenName } : {}),
    ...(origin.via !== undefined ? { via: origin.via } : {}),
  };
  const published: PublishResult[] = [];
  for (const input of inputs) published.push(await publishOne(from, input));
  return published;
}

async function publishOne(sender: Sender, input: PublishInput): Promise<PublishResult> {
  const audience = resolveAudience(input.audience);
  // Counted as it goes out, so the funnel's first stage costs no round trip of its own.
  const connected = await connectedRecipients(audience);
  const notification = await getStores().log.publish(
    {
      title: input.title,
      body: input.body,
      severity: input.severity,
      ...(input.link ? { link: input.link } : {}),
      audience,
      sender,
      ...(input.collapseKey ? { collapseKey: input.collapseKey } : {}),
      ...(input.status ? { status: input.status } : {}),
      ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
    },
    connected,
  );
  return { ...notification, connectedRecipients: connected };
}

/** An email in a user audience becomes that user's id. */
function resolveAudience(audience: PublishInput["audience"]): Audience {
  if (audience.kind !== "user" || !audience.userId.includes("@")) return audience;
  return { kind: "user", userId: userIdFor(normalizeEmail(audience.userId)) };
}
