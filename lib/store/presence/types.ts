// Which instances are alive, how many streams each holds, and the admission
// of a new stream under the per-user limit.

export interface InstancePresence {
  id: string;
  connections: number;
}

/** What a stream asks for before it opens. */
export interface StreamAdmission {
  userId: string;
  /** Names this stream's slot under the per-user limit until it is released. */
  slotId: string;
  /**
   * The browser asking (X-Browser-Id): its older stream, wherever it is, is
   * ended (a `stream-replaced` bus message) and its slot freed, so the limit
   * counts browsers and a request the platform never reported closed cannot
   * lock anyone out.
   */
  browserId?: string;
  instanceId: string;
  /** MAX_CONNECTIONS_PER_USER, over every instance. */
  maxStreams: number;
  /** RATE_CONNECT_PER_MIN. */
  opensPerMinute: number;
  /** How long a slot may outlive its stream if its instance dies without releasing it (streams never live longer). */
  maxStreamMs: number;
  /** How long this instance counts as alive without another sign of life (a presence report or an admission). */
  instanceTtlMs: number;
  /** The session that signed the stream in: a signed-out one is refused, in the same round trip. */
  sessionId?: string;
}

export type AdmissionResult =
  /**
   * `inboxVersion`: the user's inbox version as admitted, so `connected` needs no read of its own;
   * `replacedOlder`: this browser's older stream still held its slot (a rotation or a reload: the browser's
   * stream moved, it did not arrive).
   */
  | { ok: true; following: string[]; inboxVersion: number; replacedOlder: boolean }
  | { ok: false; refused: "streams" | "rate"; retryAfterS: number }
  | { ok: false; refused: "signed-out" };

export interface Presence {
  /**
   * This instance's open-stream counts, kept for `ttlMs`: keyed by
   * presenceKey(); `deliveredDelta` is added to the global delivered counter.
   */
  reportPresence(instanceId: string, counts: Map<string, number>, deliveredDelta: number, ttlMs: number): Promise<PresenceReport>;
  /** This instance is stopping: its presence and every stream slot it holds stop counting at once. */
  removePresence(instanceId: string): Promise<void>;
  liveInstances(): Promise<InstancePresence[]>;
  /** The sum of one presence count over every live instance except `exceptInstance`. */
  countElsewhere(key: string, exceptInstance: string): Promise<number>;
  /** Notifications delivered to streams, over every instance. */
  deliveredCount(): Promise<number>;
  /**
   * One round trip, atomic: whether the session was signed out, a slot under
   * the per-user stream limit (counted exactly over every instance; slots of
   * dead instances do not count), the connect rate limit, the user's followed
   * channels and inbox version.
   */
  admitStream(request: StreamAdmission): Promise<AdmissionResult>;
  /** Frees the stream's slot at once, for every instance. */
  releaseStream(userId: string, slotId: string, instanceId: string): Promise<void>;
  /**
   * The stream rotated, and its browser is coming straight back: its next
   * admission replaces this slot (as a browser's newer stream always does).
   * Where a release is a billed command, the slot is left to that admission,
   * or to lapse at its latest (the longest a stream lives, plus a grace);
   * where it costs nothing, it is released.
   */
  handOverStream(userId: string, slotId: string, instanceId: string): Promise<void>;
  /**
   * Makes this instance's slots for the user exactly `slotIds` (its open
   * streams, oldest first), as far as the limit allows beside the other
   * instances' live slots; answers the ids it could not keep. After an
   * outage: slots whose release failed, or that a refused admission took,
   * go; slots that lapsed while this instance was cut off come back.
   */
  reclaimSlots(request: SlotClaim): Promise<string[]>;
}

export interface PresenceReport {
  /** This instance had stopped counting as alive (cut off for longer than its TTL): other instances dropped its slots. */
  lapsed: boolean;
}

export interface SlotClaim {
  userId: string;
  instanceId: string;
  slotIds: string[];
  maxStreams: number;
  maxStreamMs: number;
}

/** Retry-After for a stream refused over MAX_CONNECTIONS_PER_USER: a slot frees when any of the user's streams closes. */
export const STREAMS_RETRY_AFTER_S = 10;

/** Keys of the presence counts each instance reports. */
export const presenceKey = {
  all: "all",
  user: (userId: string) => `user:${userId}`,
  channel: (channel: string) => `channel:${channel}`,
};
