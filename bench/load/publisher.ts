// Publish schedules: a steady rate (open loop, each publish at its due time) and a burst with a fixed number in flight.
import { setTimeout as sleep } from "node:timers/promises";
import { now } from "./protocol";

/** Publishes one broadcast carrying `stamp` (wall-clock ms of the publish) for the clients to time it. */
export type Publish = (stamp: number) => Promise<void>;

/** Live counts of a schedule; failed or timed-out publishes are counted, not fatal: a saturated system is a result too. */
export interface PublishOutcome {
  sent: number;
  failed: number;
  firstError: string | null;
}

export interface Schedule {
  outcome: PublishOutcome;
  /** Settles once every publish sent has answered (or failed). */
  done: Promise<void>;
}

function send(publish: Publish, outcome: PublishOutcome): Promise<void> {
  outcome.sent++;
  return publish(now()).catch((error: Error) => {
    outcome.failed++;
    outcome.firstError ??= error.message;
  });
}

/** `count` publishes at `perSecond`, each at its due time whether or not the previous one has answered; fewer once `stop()`. */
export function publishSteady(publish: Publish, count: number, perSecond: number, stop = () => false): Schedule {
  const outcome: PublishOutcome = { sent: 0, failed: 0, firstError: null };
  const done = (async () => {
    const start = now();
    const sent: Promise<void>[] = [];
    for (let i = 0; i < count && !stop(); i++) {
      const wait = start + (i * 1000) / perSecond - now();
      if (wait > 0) await sleep(wait);
      sent.push(send(publish, outcome));
    }
    await Promise.all(sent);
  })();
  return { outcome, done };
}

/** `count` publishes as fast as the publish API takes them, `inflight` at a time; fewer once `stop()`. */
export function publishBurst(publish: Publish, count: number, inflight: number, stop = () => false): Schedule {
  const outcome: PublishOutcome = { sent: 0, failed: 0, firstError: null };
  let next = 0;
  const done = Promise.all(
    Array.from({ length: Math.min(inflight, count) }, async () => {
      while (next < count && !stop()) {
        next++;
        await send(publish, outcome);
      }
    }),
  ).then(() => undefined);
  return { outcome, done };
}
