// Each person's marks on the shared history (read, seen, archived) and what
// they muted: one state, one version, so a page, its counts and its muted
// flags are always read at one moment.
import type { InboxEvent, Preferences } from "../../shared/types";

/** One user's marks on the shared history. */
export interface InboxState {
  /** Everything at or before this id is read ("mark all read"). */
  watermark: string | null;
  /** Ids after the watermark marked read one by one. */
  readIds: Set<string>;
  /** Everything at or before this id was seen (the bell's menu opened). */
  seenUpTo: string | null;
  /** Everything read at or before this id is archived ("archive all read" archives up to the read watermark). */
  archivedUpTo: string | null;
  /** Ids archived one by one, or read one by one when all read ones were archived. */
  archivedIds: Set<string>;
  /** What the person muted (lib/preferences.ts). */
  preferences: Preferences;
  /** Moves on by one with every change above (each method below that writes). */
  version: number;
}

/** Each write moves the person's version on by one, atomically with the change. */
export interface InboxStore {
  getInboxState(userId: string): Promise<InboxState>;
  /** The person's version alone (one command): what a new stream's `connected` says when its admission's read cannot be used. */
  getVersion(userId: string): Promise<number>;
  markRead(userId: string, ids: string[]): Promise<void>;
  markAllRead(userId: string, upToId: string): Promise<void>;
  /** Moves the seen watermark forward (never back). */
  markSeen(userId: string, upToId: string): Promise<void>;
  archive(userId: string, ids: string[]): Promise<void>;
  /** Archives what is read now: up to the read watermark, and the ids read one by one. */
  archiveAllRead(userId: string): Promise<void>;
  /** Replaces what the person muted. */
  setPreferences(userId: string, preferences: Preferences): Promise<void>;
  /** Tells every stream of the user (on every instance) what changed. */
  publishInboxEvent(userId: string, change: InboxEvent): Promise<void>;
}
