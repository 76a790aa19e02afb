// Gathers deliveries from the client pool while a phase runs, until all arrived, they stop coming, time is up, or a guard trips.
import { setTimeout as sleep } from "node:timers/promises";
import { concatSorted } from "../measure/stats";
import type { ClientPool, EluSample } from "./client-pool";

export interface Gathered {
  /** Publish-to-receipt delays (ms), ascending. */
  latencies: Float64Array;
  received: number;
  /** Wall-clock ms of the last receipt (0 if none). */
  lastAt: number;
  /** Streams the server ended meanwhile, and how the first of them ended. */
  ended: number;
  endedSamples: string[];
  /** Workers' cumulative event-loop figures at the end. */
  elu: EluSample;
  /** Why gathering stopped early (a guard's reason), or null. */
  stopped: string | null;
}

export interface GatherOptions {
  expected: number;
  /** Settles when the phase's publishes have all answered; quiet time counts from then. */
  publishing: Promise<unknown>;
  /** Give up this long after the last delivery (deliveries were lost). */
  quietMs: number;
  timeoutMs: number;
  /** Returns a reason to stop now (a process died or ran away with memory), else null. */
  guard?: () => string | null;
}

export async function gather(pool: ClientPool, options: GatherOptions): Promise<Gathered> {
  const parts: Float64Array[] = [];
  let received = 0;
  let lastAt = 0;
  let ended = 0;
  const endedSamples: string[] = [];
  let elu: EluSample = [];
  let published = false;
  let stopped: string | null = null;
  let lastProgress = Date.now();
  void options.publishing.finally(() => {
    published = true;
    lastProgress = Date.now();
  });
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    await sleep(100);
    const batch = await pool.collect();
    elu = batch.elu;
    ended += batch.ended;
    if (endedSamples.length < 3) endedSamples.push(...batch.endedSamples.slice(0, 3 - endedSamples.length));
    if (batch.count) {
      parts.push(...batch.latencies);
      received += batch.count;
      lastAt = Math.max(lastAt, batch.lastAt);
      lastProgress = Date.now();
    }
    if (received >= options.expected) break;
    if (published && Date.now() - lastProgress >= options.quietMs) break;
    if (Date.now() >= deadline) {
      stopped = `not all deliveries within ${Math.round(options.timeoutMs / 1000)} s`;
      break;
    }
    stopped = options.guard?.() ?? null;
    if (stopped) break;
  }
  return { latencies: concatSorted(parts), received, lastAt, ended, endedSamples, elu, stopped };
}
