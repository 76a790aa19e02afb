// Inbox changes the hub heard lately, per user: a stream whose admission read
// the inbox version before the stream attached gets the changes newer than
// that version after its `connected`, without reading the version again.
import type { Connection } from "./connection";

/** Inbox changes heard are kept this long per user. */
export const INBOX_MEMORY_MS = 30_000;

export class AdmittedInbox {
  private readonly recent = new Map<string, { at: number; version: number; chunk: Uint8Array }[]>();

  remember(userId: string, version: number, chunk: Uint8Array) {
    const now = Date.now();
    const kept = (this.recent.get(userId) ?? []).filter((change) => now - change.at < INBOX_MEMORY_MS);
    kept.push({ at: now, version, chunk });
    this.recent.set(userId, kept);
  }

  /** The stream was admitted at `version`, `at` (Date.now()): the changes after it wait for its `connected`. */
  hold(connection: Connection, version: number, at: number) {
    if (Date.now() - at >= INBOX_MEMORY_MS) return;
    connection.admittedInboxVersion = version;
    for (const change of this.recent.get(connection.userId) ?? []) {
      if (change.version > version) connection.heldInbox.push(change.chunk);
    }
  }

  /** Forgets the users whose newest change is older than INBOX_MEMORY_MS (the hub's tick). */
  prune(now: number) {
    for (const [userId, changes] of this.recent) {
      if (now - changes.at(-1)!.at >= INBOX_MEMORY_MS) this.recent.delete(userId);
    }
  }

  clear() {
    this.recent.clear();
  }
}
