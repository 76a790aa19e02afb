// The load generator: worker threads that hold the SSE clients, driven from here.
import { Worker } from "node:worker_threads";

interface Reply {
  type: string;
  failures?: number;
  firstError?: string | null;
  latencies?: Float64Array;
  firstAt?: number;
  lastAt?: number;
}

export class ClientPool {
  private readonly workers: Worker[];

  constructor(size: number) {
    this.workers = Array.from({ length: size }, () => new Worker(new URL("./worker.mjs", import.meta.url)));
  }

  private ask(worker: Worker, message: object): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      worker.once("message", (reply: Reply) => {
        worker.off("error", onError);
        resolve(reply);
      });
      worker.once("error", onError);
      worker.postMessage(message);
    });
  }

  /** Opens `n` streams spread over the workers (and over `urls`), at most `inflight` connecting at once. */
  async open(urls: string[], headers: Record<string, string>, n: number, inflight = 480) {
    const per = Math.ceil(n / this.workers.length);
    const replies = await Promise.all(
      this.workers.map((w, i) =>
        this.ask(w, { cmd: "open", urls: rotate(urls, i), headers, count: Math.max(0, Math.min(per, n - i * per)), inflight: Math.ceil(inflight / this.workers.length) }),
      ),
    );
    const failures = replies.reduce((s, r) => s + (r.failures ?? 0), 0);
    if (failures) throw new Error(`${failures} streams failed to open: ${replies.find((r) => r.firstError)?.firstError}`);
  }

  /** Latencies (ms) of the deliveries since the last call, and when the first and last arrived. */
  async collect() {
    const replies = await Promise.all(this.workers.map((w) => this.ask(w, { cmd: "collect" })));
    const latencies = new Float64Array(replies.reduce((s, r) => s + r.latencies!.length, 0));
    let offset = 0;
    for (const r of replies) {
      latencies.set(r.latencies!, offset);
      offset += r.latencies!.length;
    }
    return {
      latencies,
      firstAt: Math.min(...replies.map((r) => r.firstAt!)),
      lastAt: Math.max(...replies.map((r) => r.lastAt!)),
    };
  }

  async closeStreams() {
    await Promise.all(this.workers.map((w) => this.ask(w, { cmd: "close" })));
  }

  async terminate() {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function rotate<T>(items: T[], by: number): T[] {
  return items.map((_, i) => items[(i + by) % items.length]!);
}
