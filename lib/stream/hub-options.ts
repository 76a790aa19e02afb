// What a hub is made with (HubOptions) and what a stream opens with (OpenOptions).
import type { StreamCredential } from "./connection";

/** How long a stream slot may outlive a stream whose instance died without releasing it. */
export const STREAM_SLOT_GRACE_MS = 60_000;
/** How long a shutdown waits for the store before it ends the streams anyway. */
export const STORE_CLEANUP_MS = 3_000;

export interface HubOptions {
  instanceId: string;
  heartbeatMs: number;
  maxDurationMs: number;
  retryMs: number;
  /** A stream whose unread backlog passes this is ended; its client resumes by id. */
  queueMaxBytes: number;
  presenceIntervalMs?: number;
  /** How often delivery counts go to the store (the funnel). */
  deliveryReportMs?: number;
  /** How long a shutdown waits for the store before it ends the streams (STORE_CLEANUP_MS; less on Vercel, whose 500 ms must leave time for `reconnect`). */
  storeCleanupMs?: number;
  /** A sign-out reached this instance: it stops trusting the session's cookie before its streams reconnect. */
  onSessionRevoked?: (sessionId: string) => void;
  /** MAX_CONNECTIONS_PER_USER, for reconciling slots after an outage (slot-keeper.ts). */
  maxStreamsPerUser?: number;
  /** How long a slot lives in the store at most (as the route admits it). */
  slotTtlMs?: number;
}

export interface OpenOptions {
  userId: string;
  /** The channels the user follows (read with the stream's admission). */
  following: string[];
  /** The slot the route took for this stream under the per-user limit; released when the stream ends. */
  slotId?: string;
  /** What signed the stream in: revoking it ends the stream, and so does a session's expiry. */
  credential?: StreamCredential | null;
  lastEventId: string | null;
  signal?: AbortSignal;
  /** What the route's admission read, and when (liveMark() as it began): `connected` reads nothing more. */
  admitted?: AdmittedWith;
  /** The stream was opened with a browser id (its next admission replaces this one's slot). */
  browserBound?: boolean;
  /**
   * The browser's older stream still held its slot (Presence admission's `replacedOlder`): this one moved
   * rather than arrived. Like the departure of a stream that hands its slot over, its count goes in this
   * instance's next interval report (within PRESENCE_INTERVAL_MS), not in one of its own: on Upstash
   * every report is billed, and rotations move streams between instances every few seconds.
   */
  moved?: boolean;
  /** An admin's: `activity` follows every batch published, so /admin refreshes its figures when they change, not by a fast poll. */
  seesActivity?: boolean;
}

export interface AdmittedWith {
  /** liveMark() just before the admission was sent (null: the bus was not live). */
  liveMark: number | null;
  /** Date.now() then. */
  at: number;
  inboxVersion: number;
}
