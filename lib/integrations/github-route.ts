// GitHub's webhooks (POST /api/hooks/github), signed with
// GITHUB_WEBHOOK_SECRET. A completed workflow run or a deployment status is
// one notification; ping is answered; other events are accepted and ignored.
// A signature covers the body only, not the query string nor the time: a
// captured delivery replayed would publish again (to any ?channel=), so each
// delivery id is taken once, on any instance, for DELIVERY_MEMORY_S.
import "server-only";
import type { NextRequest } from "next/server";
import { parseBody, readBodyLimited } from "../api/handler";
import { config } from "../server/config";
import { ApiError, errorResponse } from "../server/errors";
import type { Sender } from "../shared/types";
import { getStores } from "../store";
import { deploymentStatusNotification, GITHUB_EVENTS, isSignedByGitHub, workflowRunNotification } from "./github";
import { HOOK_MAX_BODY_BYTES, hookTarget, publishFromHook } from "./publish";
import { log } from "../server/log";

const GITHUB: Sender = { id: "github", name: "GitHub" };
/** How long a delivery id is remembered: GitHub redelivers by hand within days, replays come at any time; a day bounds what is kept. */
const DELIVERY_MEMORY_S = 24 * 60 * 60;
/** How long a delivery is claimed while it is published: a process that dies meanwhile does not refuse its redelivery for a day. */
const DELIVERY_CLAIM_S = 60;
const DELIVERY_ID = /^[\w-]{1,100}$/;

export async function receiveGitHubHook(req: NextRequest): Promise<Response> {
  try {
    const secret = config().githubWebhookSecret;
    if (!secret) throw new ApiError(404, "GitHub webhooks are off here: set GITHUB_WEBHOOK_SECRET (docs/integrations.md).");
    const raw = await readBodyLimited(req, HOOK_MAX_BODY_BYTES);
    if (!isSignedByGitHub(raw, req.headers.get("x-hub-signature-256"), secret)) {
      throw new ApiError(401, "The X-Hub-Signature-256 signature is missing or wrong: the webhook's secret must be GITHUB_WEBHOOK_SECRET.");
    }
    const event = req.headers.get("x-github-event");
    if (event === "ping") return Response.json({ ok: true });
    const { audience } = hookTarget(req);
    if (event !== "workflow_run" && event !== "deployment_status") return Response.json({ published: 0, unchanged: 0 }, { status: 202 });
    if (!(req.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json")) {
      throw new ApiError(415, "Set the webhook's content type to application/json.");
    }
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString("utf8"));
    } catch {
      throw new ApiError(400, "The request body is not valid JSON.");
    }
    const parsed = event === "workflow_run" ? parseBody(GITHUB_EVENTS.workflow_run, payload) : parseBody(GITHUB_EVENTS.deployment_status, payload);
    const item = "workflow_run" in parsed ? workflowRunNotification(parsed, audience) : deploymentStatusNotification(parsed, audience);
    if (!item) return Response.json({ published: 0, unchanged: 0 }, { status: 202 });
    const delivery = deliveryOf(req);
    const limits = getStores().limits;
    if (!(await limits.claimOnce(delivery, DELIVERY_CLAIM_S))) {
      throw new ApiError(409, `This delivery (X-GitHub-Delivery ${delivery.slice("github-delivery:".length)}) was received already: nothing was published.`);
    }
    try {
      // A budget per repository: one busy repository cannot use up another's (GitHub does not retry a 429).
      const published = await publishFromHook(GITHUB, [item], { limitKey: `github:${parsed.repository.full_name}`, via: "github" });
      // Published: kept a day. Should that fail, the claim lapses in a minute and a redelivery finds the revision applied.
      await limits.keep(delivery, DELIVERY_MEMORY_S).catch((error: Error) => log().error({ component: "github" }, `keeping a delivery id failed: ${error.message}`));
      return Response.json(published, { status: 202 });
    } catch (error) {
      // Not published: GitHub's redelivery (the same id) must be taken then.
      await limits.release(delivery).catch(() => {});
      throw error;
    }
  } catch (error) {
    return errorResponse(error);
  }
}

/** The claim key of the request's X-GitHub-Delivery (every delivery carries one). */
function deliveryOf(req: NextRequest): string {
  const id = req.headers.get("x-github-delivery") ?? "";
  if (!DELIVERY_ID.test(id)) throw new ApiError(400, "The X-GitHub-Delivery header is missing or not a delivery id.");
  return `github-delivery:${id}`;
}
