// Values that every change of travels over the bus (a user's follows): read
// once, they are trusted for as long as this instance's bus subscription has
// been live since the read, since any change after it arrives as a message
// and replaces the value. Upstash bills every read; an acknowledgement or a
// mark read the follows each time.

/** Bounds the memory: the oldest entry goes first. */
const MAX_ENTRIES = 10_000;

export class BusTrustedCache<T> {
  /** key → the value, and since when it has been known (a read's start, a message's arrival). */
  private readonly entries = new Map<string, { value: T; since: number }>();

  constructor(private readonly max = MAX_ENTRIES) {}

  /** The value, if the bus has been live since it was known (`liveSince`: the hub's). */
  get(key: string, liveSince: number | null): T | null {
    const entry = this.entries.get(key);
    return entry && liveSince !== null && liveSince <= entry.since ? entry.value : null;
  }

  /**
   * What was read, or heard, `since` then. A read that started before a
   * message arrived does not replace it: the message may be newer than what
   * the read found.
   */
  learn(key: string, value: T, since: number) {
    const known = this.entries.get(key);
    if (known && known.since > since) return;
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, since });
  }

  clear() {
    this.entries.clear();
  }

  get size() {
    return this.entries.size;
  }
}
