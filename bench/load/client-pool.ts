// The load generator as the main thread sees it: worker threads holding the SSE clients, opened in waves, drained of latencies.
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { Collected, Command, Reply, StormReport } from "./protocol";

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;
type Request = WithoutId<Command>;
export type EluSample = { active: number; idle: number }[];

/** Listen backlogs are 511 here: stay below it so connects are never dropped and retried by SYN timeouts. */
export const MAX_CONNECTS_IN_FLIGHT = 480;

export interface Collection {
  latencies: Float64Array[];
  count: number;
  firstAt: number;
  lastAt: number;
  ended: number;
  endedSamples: string[];
  /** Each worker's cumulative event-loop active and idle ms, for busiestElu(). */
  elu: EluSample;
}

/** Event-loop utilisation (0..1) of the busiest worker between two collects. */
export function busiestElu(before: EluSample, after: EluSample): number {
  let busiest = 0;
  after.forEach((a, i) => {
    const active = a.active - (before[i]?.active ?? 0);
    const idle = a.idle - (before[i]?.idle ?? 0);
    if (active + idle > 0) busiest = Math.max(busiest, active / (active + idle));
  });
  return busiest;
}

export class ClientPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private nextId = 1;

  constructor(size: number) {
    // Workers start through tsx's CommonJS hook, as the rest of the bench runs under tsx.
    const code = `require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(path.join(__dirname, "worker.ts"))});`;
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(code, { eval: true });
      worker.on("message", (reply: Reply) => {
        const resolve = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        resolve?.(reply);
      });
      worker.on("error", (error) => {
        console.error(`load-generator worker failed: ${error.message}`);
        process.exitCode = 1;
      });
      return worker;
    });
  }

  get size() {
    return this.workers.length;
  }

  private ask<R extends Reply>(worker: Worker, request: Request): Promise<R> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (reply: Reply) => void);
      worker.postMessage({ ...request, id });
    });
  }

  /**
   * Opens n streams spread evenly over the workers and over urls (stream i of the whole pool goes to
   * urls[i % urls.length]), at most `inflight` connecting at once; resolves when all have their first event.
   */
  async open(urls: string[], headers: Record<string, string>, n: number, inflight = MAX_CONNECTS_IN_FLIGHT) {
    const w = this.workers.length;
    const replies = await Promise.all(
      this.workers.map((worker, i) => {
        const count = Math.floor(n / w) + (i < n % w ? 1 : 0);
        // Worker i takes streams i, i + w, i + 2w, …: its own rotation of urls keeps instances balanced.
        const mine = urls.map((_, k) => urls[(i + k * w) % urls.length]!);
        return this.ask<Reply & { type: "opened" }>(worker, { cmd: "open", urls: mine, headers, count, inflight: Math.max(1, Math.floor(inflight / w)) });
      }),
    );
    const failures = replies.reduce((sum, r) => sum + r.failures, 0);
    if (failures) throw new Error(`${failures} of ${n} streams failed to open: ${replies.find((r) => r.firstError)?.firstError}`);
  }

  /** Deliveries since the previous collect, from every worker. */
  async collect(): Promise<Collection> {
    const replies = await Promise.all(this.workers.map((worker) => this.ask<Collected>(worker, { cmd: "collect" })));
    return {
      latencies: replies.map((r) => r.latencies),
      count: replies.reduce((sum, r) => sum + r.latencies.length, 0),
      firstAt: Math.min(...replies.map((r) => r.firstAt)),
      lastAt: Math.max(...replies.map((r) => r.lastAt)),
      ended: replies.reduce((sum, r) => sum + r.ended, 0),
      endedSamples: replies.flatMap((r) => r.endedSamples),
      elu: replies.map((r) => ({ active: r.eluActive, idle: r.eluIdle })),
    };
  }

  /** From now on, streams that end come back resuming by id, and their deliveries are counted per stream. */
  async startStorm(inflight = MAX_CONNECTS_IN_FLIGHT) {
    const perWorker = Math.max(1, Math.floor(inflight / this.workers.length));
    await Promise.all(this.workers.map((worker) => this.ask(worker, { cmd: "storm-start", inflight: perWorker })));
  }

  /** The storm so far, over every worker. */
  async stormReport() {
    const replies = await Promise.all(this.workers.map((worker) => this.ask<StormReport>(worker, { cmd: "storm-report" })));
    return {
      down: replies.reduce((sum, r) => sum + r.down, 0),
      reopened: replies.reduce((sum, r) => sum + r.reopened, 0),
      lastReopenAt: Math.max(...replies.map((r) => r.lastReopenAt)),
      duplicates: replies.reduce((sum, r) => sum + r.duplicates, 0),
      distinct: replies.flatMap((r) => [...r.distinct]),
    };
  }

  async closeStreams() {
    await Promise.all(this.workers.map((worker) => this.ask(worker, { cmd: "close" })));
  }

  async terminate() {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
