// Batching under load, the rule the hub follows (and the benchmark's
// floor-batched server, to compare like with like).
//
// Next's pipe costs per chunk (docs/benchmark.md), and a fan-out to thousands of streams
// keeps the event loop busy for a long while; publishes that arrive meanwhile
// can only be handled after it. So the next flush waits a gap after the
// previous fan-out was written out: a fifth of that fan-out's time, within the
// bounds below. Publishes get the event loop in the gap, their events gather,
// and each stream gets one chunk holding all of them (N = 5,000: 30k
// deliveries/s with a flush per event-loop turn, 290k with the gap; `npm run
// bench`). Latency grows by at most a fifth of the fan-out it already waits
// for, and an event arriving when the hub is idle still goes out at once.

const FLUSH_GAP_SHARE = 0.2;
const FLUSH_GAP_MIN_MS = 10;
const FLUSH_GAP_MAX_MS = 50;

/** How long after a fan-out that took `fanOutMs` the next one waits. */
export function flushGapMs(fanOutMs: number) {
  return Math.min(FLUSH_GAP_MAX_MS, Math.max(FLUSH_GAP_MIN_MS, fanOutMs * FLUSH_GAP_SHARE));
}
