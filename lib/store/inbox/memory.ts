// The embedded inbox state: one record per person.
import { compareIds } from "../../shared/ids";
import { NO_PREFERENCES } from "../../shared/preferences";
import type { Preferences } from "../../shared/types";
import type { InboxEvent } from "../../shared/types";
import type { MemoryBus } from "../bus/memory";
import type { InboxState, InboxStore } from "./types";

export class MemoryInbox implements InboxStore {
  private readonly inboxes = new Map<string, InboxState>();

  constructor(private readonly bus: MemoryBus) {}

  async getInboxState(userId: string): Promise<InboxState> {
    const state = this.stateOf(userId);
    return {
      ...state,
      readIds: new Set(state.readIds),
      archivedIds: new Set(state.archivedIds),
      preferences: { ...state.preferences, mutedChannels: [...state.preferences.mutedChannels] },
    };
  }

  async getVersion(userId: string) {
    return this.inboxes.get(userId)?.version ?? 0;
  }

  async markRead(userId: string, ids: string[]) {
    const state = this.changing(userId);
    for (const id of ids) if (!state.watermark || compareIds(id, state.watermark) > 0) state.readIds.add(id);
  }

  async markAllRead(userId: string, upToId: string) {
    const state = this.changing(userId);
    if (state.watermark && compareIds(upToId, state.watermark) <= 0) return;
    state.watermark = upToId;
    for (const id of state.readIds) if (compareIds(id, upToId) <= 0) state.readIds.delete(id);
  }

  async markSeen(userId: string, upToId: string) {
    const state = this.changing(userId);
    if (!state.seenUpTo || compareIds(upToId, state.seenUpTo) > 0) state.seenUpTo = upToId;
  }

  async archive(userId: string, ids: string[]) {
    const state = this.changing(userId);
    for (const id of ids) state.archivedIds.add(id);
  }

  async archiveAllRead(userId: string) {
    const state = this.changing(userId);
    if (state.watermark && (!state.archivedUpTo || compareIds(state.watermark, state.archivedUpTo) > 0)) state.archivedUpTo = state.watermark;
    for (const id of state.readIds) state.archivedIds.add(id);
    // Ids the watermark covers need no entry of their own (as the Redis script drops them).
    for (const id of state.archivedIds) if (state.archivedUpTo && compareIds(id, state.archivedUpTo) <= 0) state.archivedIds.delete(id);
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
    if (!state) this.inboxes.set(userId, (state = { watermark: null, readIds: new Set(), seenUpTo: null, archivedUpTo: null, archivedIds: new Set(), preferences: NO_PREFERENCES, version: 0 }));
    return state;
  }
}
