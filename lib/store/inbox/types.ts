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
  /** Ids at or before the watermark marked unread again (or snoozed) one by one. */
  unreadIds: Set<string>;
  /** Everything at or before this id was seen (the bell's menu opened). */
  seenUpTo: string | null;
  /** Everything read at or before this id is archived ("archive all read" archives up to the read watermark). */
  archivedUpTo: string | null;
  /** Ids archived one by one, or read one by one when all read ones were archived. */
  archivedIds: Set<string>;
  /** Ids at or before the archive watermark moved back to the inbox one by one. */
  unarchivedIds: Set<string>;
  /**
   * Snoozed ids and when each comes back (ms since the epoch): until then it
   * is in no page or count but the "Snoozed" list. Past its time the entry
   * is harmless (it comes back unread: snoozing marked it so); it goes when
   * its notification is archived, and with the next snooze written.
   */
  snoozedUntil: Map<string, number>;
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
  /** Marks unread again, also below the read watermark. */
  markUnread(userId: string, ids: string[]): Promise<void>;
  /** Everything up to `upToId` is read (the watermark moves there unless it is further), except what is snoozed for later than `now` (ms): that comes back unread. */
  markAllRead(userId: string, upToId: string, now: number): Promise<void>;
  /** Moves the seen watermark forward (never back). */
  markSeen(userId: string, upToId: string): Promise<void>;
  /** Archives these (a snooze on them ends). */
  archive(userId: string, ids: string[]): Promise<void>;
  /** Moves these back to the inbox, also below the archive watermark. */
  unarchive(userId: string, ids: string[]): Promise<void>;
  /** Snoozes these until `until` (ms) and marks them unread, so they come back unread; null ends their snooze now. Snoozes past by `now` (ms) go. */
  snooze(userId: string, ids: string[], until: number | null, now: number): Promise<void>;
  /** Archives what is read now: up to the read watermark, and the ids read one by one (never one marked unread). */
  archiveAllRead(userId: string): Promise<void>;
  /** What each of these people muted, in one command: a push or an escalation reaching many asks once. */
  preferencesOf(userIds: string[]): Promise<Map<string, Preferences>>;
  /** Replaces what the person muted. */
  setPreferences(userId: string, preferences: Preferences): Promise<void>;
  /** Tells every stream of the user (on every instance) what changed. */
  publishInboxEvent(userId: string, change: InboxEvent): Promise<void>;
}
