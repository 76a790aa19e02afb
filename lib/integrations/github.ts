// GitHub's webhooks: the signature check, and the two events worth an alert
// (a workflow run that completed, a deployment's status) as notifications.
// Everything else GitHub may send is accepted and ignored.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { PublishItem } from "../notifications/publish";
import type { Audience, Severity } from "../shared/types";
import { asBody, asLink, asTitle } from "./text";

/** X-Hub-Signature-256 is "sha256=" and the HMAC of the raw body, in hex; compared in constant time. */
export function isSignedByGitHub(rawBody: Buffer, signature: string | null, secret: string): boolean {
  if (!signature?.startsWith("sha256=")) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const given = Buffer.from(signature.slice("sha256=".length), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const repository = z.object({ full_name: z.string() });

const workflowRunSchema = z.object({
  action: z.string(),
  workflow_run: z.object({
    id: z.number(),
    name: z.string().nullish(),
    run_number: z.number().optional(),
    conclusion: z.string().nullish(),
    head_branch: z.string().nullish(),
    html_url: z.string(),
    display_title: z.string().optional(),
    run_attempt: z.number().optional(),
    updated_at: z.string().optional(),
  }),
  repository,
});

const deploymentStatusSchema = z.object({
  deployment_status: z.object({
    id: z.number(),
    state: z.string(),
    target_url: z.string().nullish(),
    environment_url: z.string().nullish(),
    log_url: z.string().nullish(),
    description: z.string().nullish(),
  }),
  deployment: z.object({ id: z.number(), environment: z.string(), ref: z.string() }),
  repository,
});

export const GITHUB_EVENTS = { workflow_run: workflowRunSchema, deployment_status: deploymentStatusSchema } as const;
export type GitHubEvent = keyof typeof GITHUB_EVENTS;

/**
 * A collapse key within the repository: ids are GitHub's, but a webhook's secret may be shared by many
 * repositories, and one must never replace another's card. A long name is hashed to fit the key's 64 characters.
 */
function repositoryKey(repository: string, thing: string): string {
  const key = `github:${repository}:${thing}`;
  return key.length <= 64 ? key : `github:${createHash("sha256").update(repository).digest("hex").slice(0, 16)}:${thing}`;
}

const RUN_OUTCOMES: Record<string, { word: string; severity: Severity }> = {
  success: { word: "succeeded", severity: "success" },
  failure: { word: "failed", severity: "error" },
  timed_out: { word: "timed out", severity: "error" },
  cancelled: { word: "was cancelled", severity: "info" },
};

/**
 * A completed run is one notification; its other actions (requested, in progress) are none. A run's
 * attempts complete in order of their update time: one arriving after a later one adds nothing.
 */
export function workflowRunNotification(event: z.infer<typeof workflowRunSchema>, audience: Audience): PublishItem | null {
  if (event.action !== "completed") return null;
  const run = event.workflow_run;
  const outcome = RUN_OUTCOMES[run.conclusion ?? ""] ?? { word: `ended: ${run.conclusion ?? "unknown"}`, severity: "info" as const };
  const link = asLink(run.html_url);
  const updatedAt = Date.parse(run.updated_at ?? "");
  return {
    input: {
      title: asTitle(`${run.name ?? "Workflow"} ${outcome.word}${run.head_branch ? ` on ${run.head_branch}` : ""}`),
      body: asBody([event.repository.full_name, run.display_title, run.run_number !== undefined ? `run #${run.run_number}` : ""].filter(Boolean).join(" · ")),
      severity: outcome.severity,
      ...(link ? { link } : {}),
      audience,
      collapseKey: repositoryKey(event.repository.full_name, `run:${run.id}`),
    },
    revision: { signature: `attempt ${run.run_attempt ?? 1} ${run.conclusion ?? ""}`, ...(Number.isFinite(updatedAt) ? { order: updatedAt } : {}) },
  };
}

const DEPLOY_SEVERITY: Partial<Record<string, Severity>> = { success: "success", failure: "error", error: "error" };

/**
 * Each status change of a deployment is one notification; a later one replaces the earlier (one collapse
 * key per deployment). GitHub numbers statuses in the order they were made: an older one arriving late
 * (or a replay) adds nothing.
 */
export function deploymentStatusNotification(event: z.infer<typeof deploymentStatusSchema>, audience: Audience): PublishItem {
  const { deployment, deployment_status: status } = event;
  const link = asLink(status.target_url ?? undefined) ?? asLink(status.log_url ?? undefined) ?? asLink(status.environment_url ?? undefined);
  return {
    input: {
      title: asTitle(`Deploy of ${deployment.ref} to ${deployment.environment}: ${status.state.replace(/_/g, " ")}`),
      body: asBody([event.repository.full_name, status.description].filter(Boolean).join(" · ")),
      severity: DEPLOY_SEVERITY[status.state] ?? "info",
      ...(link ? { link } : {}),
      audience,
      collapseKey: repositoryKey(event.repository.full_name, `deployment:${deployment.id}`),
    },
    revision: { signature: `status ${status.id}`, order: status.id },
  };
}
