// An in-process stand-in for the Web Locks API (Node has none): exclusive
// locks granted in request order, released when the callback's promise
// settles, a queued request withdrawn by its AbortSignal. Lets the tab
// sharing's unit tests run several "tabs" in one process; Chromium's own
// locks are exercised by the end-to-end tests. `steal` takes the lock from
// its holder at once, whose request then rejects, as the spec says.
type Callback = () => unknown;
type Holder = { reject: (e: unknown) => void; released: boolean };

export class InProcessLocks {
  private readonly held = new Map<string, Holder>();
  private readonly queues = new Map<string, { callback: Callback; resolve: (v: unknown) => void; reject: (e: unknown) => void; signal?: AbortSignal }[]>();

  request(name: string, options: { signal?: AbortSignal; steal?: boolean }, callback: Callback): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (options.steal) {
        const holder = this.held.get(name);
        if (holder) {
          holder.released = true;
          holder.reject(new DOMException("stolen", "AbortError"));
          this.held.delete(name);
        }
        this.run(name, { callback, resolve, reject });
        return;
      }
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
    this.run(name, queue.shift()!);
  }

  private run(name: string, entry: { callback: Callback; resolve: (v: unknown) => void; reject: (e: unknown) => void }) {
    const holder: Holder = { reject: entry.reject, released: false };
    this.held.set(name, holder);
    Promise.resolve()
      .then(entry.callback)
      .then(entry.resolve, entry.reject)
      .finally(() => {
        if (holder.released) return;
        this.held.delete(name);
        this.grant(name);
      });
  }
}
