// The embedded inbox state: one record per person.
import { NO_PREFERENCES } from "../../shared/preferences";
import type { Preferences } from "../../shared/types";
import type { InboxEvent } from "../../shared/types";
import type { MemoryBus } from "../bus/memory";
import { atOrBefore, isArchived, isRead } from "./marks";
import type { InboxState, InboxStore } from "./types";

export class MemoryInbox implements InboxStore {
  private readonly inboxes = new Map<string, InboxState>();

  constructor(private readonly bus: MemoryBus) {}

  async getInboxState(userId: string): Promise<InboxState> {
    const state = this.stateOf(userId);
    return {
      ...state,
      readIds: new Set(state.readIds),
      unreadIds: new Set(state.unreadIds),
      archivedIds: new Set(state.archivedIds),
      unarchivedIds: new Set(state.unarchivedIds),
      snoozedUntil: new Map(state.snoozedUntil),
      preferences: { ...state.preferences, mutedChannels: [...state.preferences.mutedChannels] },
    };
  }

  async getVersion(userId: string) {
    return this.inboxes.get(userId)?.version ?? 0;
  }

  async markRead(userId: string, ids: string[]) {
    const state = this.changing(userId);
    for (const id of ids) {
      state.unreadIds.delete(id);
      if (!atOrBefore(id, state.watermark)) state.readIds.add(id);
    }
  }

  async markUnread(userId: string, ids: string[]) {
    unread(this.changing(userId), ids);
  }

  async markAllRead(userId: string, upToId: string, now: number) {
    const state = this.changing(userId);
    // Snoozed for later and unread: it stays unread, to come back so.
    const staysUnread = [...state.snoozedUntil].filter(([id, until]) => until > now && atOrBefore(id, upToId) && !isRead(id, state)).map(([id]) => id);
    if (!atOrBefore(upToId, state.watermark)) {
      state.watermark = upToId;
      for (const id of state.readIds) if (atOrBefore(id, upToId)) state.readIds.delete(id);
    }
    // Marked unread at or before it (the watermark moved or not): read now.
    state.unreadIds = new Set([...[...state.unreadIds].filter((id) => !atOrBefore(id, upToId)), ...staysUnread]);
  }

  async markSeen(userId: string, upToId: string) {
    const state = this.changing(userId);
    if (!atOrBefore(upToId, state.seenUpTo)) state.seenUpTo = upToId;
  }

  async archive(userId: string, ids: string[]) {
    const state = this.changing(userId);
    for (const id of ids) {
      state.archivedIds.add(id);
      state.unarchivedIds.delete(id);
      state.snoozedUntil.delete(id);
    }
  }

  async unarchive(userId: string, ids: string[]) {
    const state = this.changing(userId);
    for (const id of ids) {
      state.archivedIds.delete(id);
      if (atOrBefore(id, state.archivedUpTo)) state.unarchivedIds.add(id);
    }
  }

  async snooze(userId: string, ids: string[], until: number | null, now: number) {
    const state = this.changing(userId);
    // Snoozes whose time has passed did their work (the notification came back unread): they go.
    for (const [id, at] of state.snoozedUntil) if (at <= now) state.snoozedUntil.delete(id);
    for (const id of ids) {
      if (until === null) state.snoozedUntil.delete(id);
      else state.snoozedUntil.set(id, until);
    }
    if (until !== null) unread(state, ids);
  }

  async archiveAllRead(userId: string) {
    const state = this.changing(userId);
    // Marked unread below the read watermark and not archived: the archive watermark passing it leaves it in the inbox.
    const staysOut = [...state.unreadIds].filter((id) => !isArchived(id, state));
    if (state.watermark && !atOrBefore(state.watermark, state.archivedUpTo)) state.archivedUpTo = state.watermark;
    for (const id of state.readIds) state.archivedIds.add(id);
    for (const id of state.unarchivedIds) if (isRead(id, state)) state.unarchivedIds.delete(id);
    for (const id of staysOut) state.unarchivedIds.add(id);
    // Ids the watermark covers need no entry of their own (as the Redis script drops them).
    for (const id of state.archivedIds) if (atOrBefore(id, state.archivedUpTo)) state.archivedIds.delete(id);
  }

  async preferencesOf(userIds: string[]) {
    return new Map(await Promise.all(userIds.map(async (id) => [id, (await this.getInboxState(id)).preferences] as const)));
  }

  async setPreferences(userId: string, preferences: Preferences) {
    this.changing(userId).preferences = { ...preferences, mutedChannels: [...preferences.mutedChannels] };
  }

  async publishInboxEvent(userId: string, change: InboxEvent) {
    this.bus.send({ type: "inbox", userId, change });
  }

  /** The state a write is about to change: its version moves on. */
  private changing(userId: string): InboxState {
    const state = this.stateOf(userId);
    state.version++;
    return state;
  }

  private stateOf(userId: string): InboxState {
    let state = this.inboxes.get(userId);
    if (!state) {
      state = {
        watermark: null,
        readIds: new Set(),
        unreadIds: new Set(),
        seenUpTo: null,
        archivedUpTo: null,
        archivedIds: new Set(),
        unarchivedIds: new Set(),
        snoozedUntil: new Map(),
        preferences: NO_PREFERENCES,
        version: 0,
      };
      this.inboxes.set(userId, state);
    }
    return state;
  }
}

function unread(state: InboxState, ids: string[]) {
  for (const id of ids) {
    state.readIds.delete(id);
    if (atOrBefore(id, state.watermark)) state.unreadIds.add(id);
  }
}
