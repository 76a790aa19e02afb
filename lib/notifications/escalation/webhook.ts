// Every escalation step is POSTed to ESCALATION_WEBHOOK_URL, signed so the
// receiver can tell it came from here: X-Notifications-Signature is
// "sha256=" and the hex HMAC-SHA256 of "<timestamp>.<body>" with
// ESCALATION_WEBHOOK_SECRET, the timestamp (s) in X-Notifications-Timestamp
// (docs/integrations.md shows the check). A failure is tried again with
// backoff; a 4xx other than 408 and 429 is the receiver's final answer.
import "server-only";
import { createHmac } from "node:crypto";
import { config } from "../../server/config";
import { log } from "../../server/log";

export const WEBHOOK_ATTEMPTS = 4;
const FIRST_BACKOFF_MS = 500;
const ATTEMPT_TIMEOUT_MS = 10_000;

export interface WebhookOutcome {
  delivered: boolean;
  attempts: number;
  /** The last answer's status, or null when none came (network error, timeout). */
  status: number | null;
}

export function signature(secret: string, timestamp: number, body: string) {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** POSTs the event as JSON; null when no webhook is set. */
export async function postEscalationWebhook(event: object, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<WebhookOutcome | null> {
  const hook = config().escalationWebhook;
  if (!hook) return null;
  const body = JSON.stringify(event);
  let status: number | null = null;
  for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { "Content-Type": "application/json", "User-Agent": "live-notifications-escalation", "X-Notifications-Timestamp": String(timestamp) };
    if (hook.secret) headers["X-Notifications-Signature"] = signature(hook.secret, timestamp, body);
    try {
      const answer = await fetch(hook.url, { method: "POST", headers, body, signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
      status = answer.status;
      await answer.body?.cancel();
      if (answer.ok) return { delivered: true, attempts: attempt, status };
      if (status < 500 && status !== 408 && status !== 429) return { delivered: false, attempts: attempt, status };
    } catch (error) {
      status = null;
      log().warn({ component: "escalation-webhook", attempt }, `webhook failed: ${(error as Error).message}`);
    }
    // 0.5 s, 1 s, 2 s, with jitter so many instances retrying one receiver spread out.
    if (attempt < WEBHOOK_ATTEMPTS) await sleep(FIRST_BACKOFF_MS * 2 ** (attempt - 1) * (0.75 + Math.random() / 2));
  }
  return { delivered: false, attempts: WEBHOOK_ATTEMPTS, status };
}
