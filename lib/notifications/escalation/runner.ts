// Delayed work, as the product is deployed (docs/how-it-works.md):
// - every step is first written to the store's due-time set, which any
//   instance claims from exactly once at a time (a lease: a claimer that
//   dies leaves the step due again, lib/store/escalations/types.ts);
// - the instance that plans a step arms a timer for it (embedded mode has
//   only this: one process, its memory);
// - in the Redis modes every instance also polls the set (one command a
//   poll, ESCALATION_POLL_S), and arms a timer for the soonest step a poll
//   saw, so a step whose planner stopped runs at its time anyway, or at the
//   latest one poll after it was planned;
// - with QSTASH_TOKEN (Vercel, where no instance is held open to keep a
//   timer or poll) a QStash message delayed to the step's time calls
//   /api/escalations/due, which claims and runs what is due.
import "server-only";
import { Client } from "@upstash/qstash";
import { config } from "../../server/config";
import { log } from "../../server/log";
import { publicOrigin } from "../../server/public-origin";
import { getStores } from "../../store";
import type { DueStep } from "../../store/escalations/types";
import { runStep } from "./steps";

/**
 * How long a claimed step is its claimer's before it is due again: well past
 * the longest a step takes (its webhook's four attempts of at most 10 s, its
 * pushes' 10 s, its emails' SMTP timeouts, lib/server/mail.ts), so a step is
 * run twice only when its claimer died. Steps are claimed one at a time for
 * that reason: a batch's last one would wait on the others within its lease.
 */
const LEASE_MS = 5 * 60_000;

interface RunnerState {
  timer: ReturnType<typeof setTimeout> | null;
  timerAt: number | null;
  poller: ReturnType<typeof setInterval> | null;
  running: Promise<{ ran: number; nextDueAt: number | null }> | null;
}

const RUNNER_KEY = Symbol.for("notifications.escalation-runner");
type WithRunner = typeof globalThis & { [RUNNER_KEY]?: RunnerState };
const state = (): RunnerState => ((globalThis as WithRunner)[RUNNER_KEY] ??= { timer: null, timerAt: null, poller: null, running: null });

/** Adds the step to the due-time set and arranges for it to run at its time. */
export async function scheduleStep(step: DueStep): Promise<void> {
  await getStores().escalations.schedule(step);
  await wakeAt(step.dueAt);
}

/** Claims and runs every step due now, one run at a time in this process; answers how many ran. */
export async function runDueSteps(): Promise<number> {
  const s = state();
  const { ran, nextDueAt } = await (s.running ??= claimAndRun().finally(() => (s.running = null)));
  // What is left is due later (a step planned meanwhile, one whose run failed and is due again after its
  // lease): this instance looks again then, or has QStash wake one (a step's own wake may be gone with it).
  if (nextDueAt !== null) await wakeAt(nextDueAt);
  return ran;
}

async function wakeAt(dueAt: number) {
  if (config().qstash) await wakeThroughQstash(dueAt);
  else armTimer(dueAt);
}

/**
 * Polls the due-time set in the Redis modes when no QStash wakes instances:
 * started (once per process) by whatever reaches an instance first of a
 * readiness probe, a stream and a publish. (Not from instrumentation.ts,
 * whose bundle cannot load the store's "server-only" modules.)
 */
export function startEscalationPolling(): void {
  const { mode, qstash, escalationPollMs } = config();
  const s = state();
  if (mode === "embedded" || qstash || s.poller) return;
  const poll = () => void runDueSteps().catch((error: Error) => log().warn({ component: "escalation" }, `poll failed: ${error.message}`));
  s.poller = setInterval(poll, escalationPollMs);
  s.poller.unref();
  poll();
}

/** Until a claim finds nothing due: its answer's next due time is fresh (it counts steps planned during the run). */
async function claimAndRun(): Promise<{ ran: number; nextDueAt: number | null }> {
  const escalations = getStores().escalations;
  let ran = 0;
  for (;;) {
    const { steps, nextDueAt } = await escalations.claimDue(Date.now(), LEASE_MS, 1);
    const [step] = steps;
    if (!step) return { ran, nextDueAt };
    try {
      await runStep(step, scheduleStep);
      await escalations.done(step);
      ran++;
    } catch (error) {
      // Left claimed: due again once its lease ends.
      log().error({ component: "escalation", alert: step.alertId, step: step.step }, `step failed: ${(error as Error).message}`);
    }
  }
}

function armTimer(dueAt: number) {
  const s = state();
  if (s.timer && s.timerAt !== null && s.timerAt <= dueAt) return;
  if (s.timer) clearTimeout(s.timer);
  s.timerAt = dueAt;
  s.timer = setTimeout(() => {
    s.timer = null;
    s.timerAt = null;
    runDueSteps().catch((error: Error) => log().warn({ component: "escalation" }, `run failed: ${error.message}`));
  }, Math.max(0, dueAt - Date.now()));
  s.timer.unref();
}

async function wakeThroughQstash(dueAt: number) {
  const { token, url } = config().qstash!;
  const origin = publicOrigin();
  if (!origin) throw new Error("NEXTAUTH_URL is not set: QStash needs the deployment's public URL to call back.");
  const client = new Client({ token, ...(url ? { baseUrl: url } : {}) });
  // One wake per second of due time, however many instances ask for it.
  await client.publishJSON({ url: `${origin}/api/escalations/due`, body: { dueAt }, notBefore: Math.ceil(dueAt / 1000), deduplicationId: `due-${Math.ceil(dueAt / 1000)}` });
}
