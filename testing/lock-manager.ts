// An in-process stand-in for the Web Locks API (Node has none): exclusive
// locks granted in request order, released when the callback's promise
// settles, a queued request withdrawn by its AbortSignal. Lets the tab
// sharing's unit tests run several "tabs" in one process; Chromium's own
// locks are exercised by the end-to-end tests.
type Callback = () => unknown;

export class InProcessLocks {
  private readonly held = new Set<string>();
  private readonly queues = new Map<string, { callback: Callback; resolve: (v: unknown) => void; reject: (e: unknown) => void; signal?: AbortSignal }[]>();

  request(name: string, options: { signal?: AbortSignal }, callback: Callback): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return reject(new DOMException("aborted", "AbortError"));
      const entry = { callback, resolve, reject, signal: options.signal };
      const queue = this.queues.get(name) ?? [];
      this.queues.set(name, queue);
      queue.push(entry);
      options.signal?.addEventListener("abort", () => {
        const at = queue.indexOf(entry);
        if (at >= 0) {
          queue.splice(at, 1);
          reject(new DOMException("aborted", "AbortError"));
        }
      });
      this.grant(name);
    });
  }

  private grant(name: string) {
    const queue = this.queues.get(name);
    if (this.held.has(name) || !queue?.length) return;
    const entry = queue.shift()!;
    this.held.add(name);
    Promise.resolve()
      .then(entry.callback)
      .then(entry.resolve, entry.reject)
      .finally(() => {
        this.held.delete(name);
        this.grant(name);
      });
  }
}
