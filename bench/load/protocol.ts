// The messages between the client pool (main thread) and its load-generator worker threads.

export type Command =
  | { id: number; cmd: "open"; urls: string[]; headers: Record<string, string>; count: number; inflight: number }
  | { id: number; cmd: "collect" }
  | { id: number; cmd: "storm-start"; inflight: number }
  | { id: number; cmd: "storm-report" }
  | { id: number; cmd: "close" };

export interface Opened {
  id: number;
  type: "opened";
  opened: number;
  failures: number;
  firstError: string | null;
}

export interface Collected {
  id: number;
  type: "collected";
  /** Publish-to-receipt delays (ms) of the deliveries since the last collect. */
  latencies: Float64Array;
  /** Wall-clock ms (timeOrigin + now) of the first and last of those receipts. */
  firstAt: number;
  lastAt: number;
  /** Streams the server ended or broke since they opened. */
  ended: number;
  /** How the first few of those ended (age, last event), for the log. */
  endedSamples: string[];
  /** The worker's cumulative event-loop active and idle ms (performance.eventLoopUtilization). */
  eluActive: number;
  eluIdle: number;
}

export interface Closed {
  id: number;
  type: "closed";
}

/** What the reconnect storm did to this worker's streams since storm-start. */
export interface StormReport {
  id: number;
  type: "storm";
  /** Streams that ended and are not back yet. */
  down: number;
  /** Streams that ended and came back (first event of the resumed stream received). */
  reopened: number;
  /** Wall-clock ms of the last comeback. */
  lastReopenAt: number;
  /** Notifications received again (an id at or before the stream's newest). */
  duplicates: number;
  /** Per stream: distinct notifications received since storm-start. */
  distinct: Int32Array;
}

export type Reply = Opened | Collected | StormReport | Closed;

/** The publish timestamp a delivery carries: "t" in the bench's own events, "body" in the product's notification. */
export const STAMP = /"(?:t|body)":"?(\d+(?:\.\d+)?)/;

/** Wall-clock milliseconds with sub-millisecond precision, comparable across threads and processes. */
export const now = () => performance.timeOrigin + performance.now();
