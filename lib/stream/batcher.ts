// When the hub fans out: an event that finds it idle goes out at once; events
// that arrive while a fan-out is being written wait the gap after it
// (flush-gap.ts) and then leave together, one chunk per stream.
import type { Notification } from "../shared/types";
import { flushGapMs } from "./flush-gap";

/** A flush waits on a timer (the batching gap) or an immediate; each is cancelled with its own function. */
type PendingFlush = { timer: ReturnType<typeof setTimeout> } | { immediate: ReturnType<typeof setImmediate> };

export class Batcher {
  private batch: Notification[] = [];
  private pendingFlush: PendingFlush | null = null;
  /** A flush's chunks are being written out (Next's pipe runs as promise chains after the flush). */
  private fanningOut = false;
  private fanOutStart = 0;
  /** The end of the last fan-out plus its gap: no flush before then. */
  private nextFlushAt = 0;

  /** `fanOut` writes a batch to the streams; nothing is flushed while `held()` (a catch-up after a bus break). */
  constructor(
    private readonly fanOut: (events: Notification[]) => void,
    private readonly held: () => boolean,
  ) {}

  add(notification: Notification) {
    this.batch.push(notification);
    this.schedule();
  }

  /** Flushes what waits as soon as the gap allows. */
  schedule() {
    // During a fan-out, its end schedules the next flush.
    if (!this.batch.length || this.pendingFlush || this.fanningOut || this.held()) return;
    const wait = this.nextFlushAt - performance.now();
    this.pendingFlush = wait > 0 ? { timer: setTimeout(this.flush, wait) } : { immediate: setImmediate(this.flush) };
  }

  /** A flush is waiting (a timer or an immediate). */
  get pending() {
    return this.pendingFlush !== null;
  }

  /** Drops what waits, and the flush it waits for. */
  clear() {
    // Each handle goes to its own clear function: a timer given to
    // clearImmediate corrupts Node's count of pending immediates for the
    // whole process, and no lone setImmediate runs again.
    if (this.pendingFlush && "timer" in this.pendingFlush) clearTimeout(this.pendingFlush.timer);
    else if (this.pendingFlush) clearImmediate(this.pendingFlush.immediate);
    this.pendingFlush = null;
    this.batch = [];
  }

  /** Runs once the pipe's promise chains started by a flush have drained: setImmediate runs after them. */
  private fanOutDone = () => {
    this.fanningOut = false;
    const end = performance.now();
    this.nextFlushAt = end + flushGapMs(end - this.fanOutStart);
    this.schedule();
  };

  private flush = () => {
    this.pendingFlush = null;
    this.fanningOut = true;
    this.fanOutStart = performance.now();
    setImmediate(this.fanOutDone);
    const events = this.batch;
    this.batch = [];
    this.fanOut(events);
  };
}
