// GitHub's webhooks (POST /api/hooks/github), signed with
// GITHUB_WEBHOOK_SECRET. A completed workflow run or a deployment status is
// one notification; ping is answered; other events are accepted and ignored.
import "server-only";
import type { NextRequest } from "next/server";
import { parseBody, readBodyLimited } from "../api/handler";
import { config } from "../server/config";
import { ApiError, errorResponse } from "../server/errors";
import type { Sender } from "../shared/types";
import { deploymentStatusNotification, GITHUB_EVENTS, isSignedByGitHub, workflowRunNotification } from "./github";
import { HOOK_MAX_BODY_BYTES, hookAudience, publishFromHook } from "./publish";

const GITHUB: Sender = { id: "github", name: "GitHub" };

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
    const audience = hookAudience(req);
    if (event !== "workflow_run" && event !== "deployment_status") return Response.json({ published: 0 }, { status: 202 });
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
    const input = "workflow_run" in parsed ? workflowRunNotification(parsed, audience) : deploymentStatusNotification(parsed, audience);
    // A budget per repository: one busy repository cannot use up another's (GitHub does not retry a 429).
    const limitKey = `github:${parsed.repository.full_name}`;
    const published = input ? await publishFromHook(GITHUB, [input], { limitKey, via: "github" }) : 0;
    return Response.json({ published }, { status: 202 });
  } catch (error) {
    return errorResponse(error);
  }
}
