// What every webhook does once its payload is understood: the audience from
// `?channel=`, the notifications checked against the publish schema (the
// mapping is ours, but the rules are the API's), and the batch published
// whole against its sender's budget.
import "server-only";
import type { NextRequest } from "next/server";
import { z } from "zod";
import { parseQuery } from "../api/handler";
import { config } from "../server/config";
import { ApiError } from "../server/errors";
import { metrics } from "../server/metrics";
import { publishNotifications, type PublishItem, type PublishOrigin } from "../notifications/publish";
import { channelName, escalationDelay, fieldErrors, publishSchema } from "../shared/schemas";
import type { Audience, Integration, Sender, SessionUser } from "../shared/types";
import { audit } from "../server/log";

/** Alertmanager groups many alerts in one message, and GitHub's payloads are tens of kB: more room than MAX_BODY_BYTES. */
export const HOOK_MAX_BODY_BYTES = 1_048_576;

const hookQuerySchema = z.object({ channel: channelName.optional(), escalate: escalationDelay.optional() });

/** The channel named by `?channel=`, else everyone; `?escalate=5m`: its firing error and critical alerts escalate after that. */
export function hookTarget(req: NextRequest): { audience: Audience; escalateAfter?: number } {
  const { channel, escalate } = parseQuery(hookQuerySchema, req);
  return { audience: channel ? { kind: "channel", channel } : { kind: "all" }, ...(escalate !== undefined ? { escalateAfter: escalate } : {}) };
}

/**
 * Publishes a webhook's notifications, whole or not at all; an alert re-sent
 * unchanged (a retry, Alertmanager's repeat_interval) counts as unchanged and
 * adds nothing. A payload with more than a minute's
 * publish budget (RATE_PUBLISH_PER_MIN) could never be sent whole, so it is
 * refused with 413 and nothing is sent; within it, a payload the budget left
 * this minute cannot take is 429 with Retry-After, and also sends nothing
 * (Alertmanager and Grafana retry; GitHub does not, but its delivery log
 * redelivers by hand). A retry sends the same collapse keys: it replaces
 * rather than repeats.
 */
export async function publishFromHook(sender: SessionUser | Sender, items: PublishItem[], origin: PublishOrigin): Promise<{ published: number; unchanged: number }> {
  const inputs = items.map((item) => item.input);
  const budget = config().ratePublishPerMin;
  if (inputs.length > budget) {
    throw new ApiError(
      413,
      `This payload carries ${inputs.length} alerts and at most ${budget} are published a minute (RATE_PUBLISH_PER_MIN): send fewer per message (Alertmanager's max_alerts).`,
      { field: "alerts" },
    );
  }
  inputs.forEach((input, i) => {
    const checked = publishSchema.safeParse(input);
    if (checked.success) return;
    const [field, message] = Object.entries(fieldErrors(checked.error))[0]!;
    throw new ApiError(400, `Alert ${i + 1}: ${message}`, { field: `alerts.${i}.${field}` });
  });
  const published = (await publishNotifications(sender, items, origin)).length;
  return { published, unchanged: items.length - published };
}

/** A webhook route, its requests counted by source and answer (lib/server/metrics.ts). */
export function countedHook<Args extends unknown[]>(source: Integration, route: (...args: Args) => Promise<Response>) {
  return async (...args: Args) => {
    const answer = await route(...args);
    metrics().webhookRequests.inc({ source, status: String(answer.status) });
    audit("webhook", { source, status: answer.status });
    return answer;
  };
}
