// The embedded log: an id-ordered array bounded by HISTORY_MAX, and one
// id-ordered array per audience (references into it, a pointer each), for
// one person's pages and searches.
import { audienceKey, collapseScope } from "../../shared/audience";
import { hasWords } from "../../shared/search-words";
import { compareIds, nextId } from "../../shared/ids";
import type { Notification } from "../../shared/types";
import type { BusMessage, BusSubscription } from "../bus/types";
import type { MemoryBus } from "../bus/memory";
import { entriesOf } from "../map-entries";
import { THREAD_MAX } from "../../shared/threads";
import type { NewNotification, NotificationLog, Outgoing, Revision } from "./types";

/** What the other embedded concerns learn from the log (in Redis the publish script writes their keys itself). */
export interface LogHooks {
  published(notification: Notification, targeted: number | undefined): void;
  /** Dropped from the log by HISTORY_MAX. */
  trimmed(notification: Notification): void;
}

export class MemoryLog implements NotificationLog {
  private readonly log: Notification[] = [];
  private readonly byIndex = new Map<string, Notification[]>();
  /** Newest id dropped from the log: a resume from before it has a gap. */
  private maxTrimmedId: string | null = null;
  private lastId: string | null = null;
  /** Newest id per collapse scope. */
  private readonly collapsed = new Map<string, string>();
  /** Each collapse scope's newest THREAD_MAX ids, oldest first (trimmed ones are skipped when read). */
  private readonly threads = new Map<string, string[]>();
  private published = 0;
  /** The last revision applied per collapse scope (kept as Redis keeps ntf:revisions: one per scope a tool used, beyond the log's trimming). */
  private readonly revisions = new Map<string, Revision>();

  constructor(
    private readonly historyMax: number,
    private readonly bus: MemoryBus,
    private readonly hooks: LogHooks,
  ) {}

  async publish(input: NewNotification, targeted?: number): Promise<Notification> {
    return this.publishOne(input, targeted);
  }

  /** One process, no await between them: the batch is applied whole. */
  async publishAll(batch: Outgoing[]): Promise<(Notification | null)[]> {
    return batch.map(({ notification, targeted, revision }) => {
      const scope = collapseScope(notification);
      if (scope && revision) {
        const last = this.revisions.get(scope);
        if (last && (last.signature === revision.signature || (revision.order ?? Infinity) < (last.order ?? -Infinity))) return null;
        this.revisions.set(scope, revision);
      }
      return this.publishOne(notification, targeted);
    });
  }

  private publishOne(input: NewNotification, targeted?: number): Notification {
    const id = nextId(this.lastId, Date.now());
    const notification: Notification = { id, ...input, createdAt: new Date(Number(id.split("-")[0])).toISOString() };
    this.lastId = id;
    this.log.push(notification);
    for (const key of indexKeysOf(notification)) {
      const index = this.byIndex.get(key);
      if (index) index.push(notification);
      else this.byIndex.set(key, [notification]);
    }
    const scope = collapseScope(notification);
    if (scope) {
      this.collapsed.set(scope, id);
      const thread = [...(this.threads.get(scope) ?? []), id];
      this.threads.set(scope, thread.slice(-THREAD_MAX));
    }
    if (this.log.length > this.historyMax) {
      const dropped = this.log.splice(0, this.log.length - this.historyMax);
      this.maxTrimmedId = dropped[dropped.length - 1]!.id;
      for (const n of dropped) {
        this.hooks.trimmed(n);
        // Trimmed oldest first: it is the oldest of each of its indexes too.
        for (const key of indexKeysOf(n)) {
          const index = this.byIndex.get(key)!;
          index.shift();
          if (!index.length) this.byIndex.delete(key);
        }
        const droppedScope = collapseScope(n);
        if (droppedScope && this.collapsed.get(droppedScope) === n.id) this.collapsed.delete(droppedScope);
        const thread = droppedScope ? this.threads.get(droppedScope) : undefined;
        if (thread?.[0] === n.id) {
          thread.shift();
          if (!thread.length) this.threads.delete(droppedScope!);
        }
      }
    }
    this.published++;
    this.hooks.published(notification, targeted);
    this.bus.send({ type: "notification", notification });
    return notification;
  }

  async eventsAfter(afterId: string, max: number) {
    const reset = this.maxTrimmedId !== null && compareIds(afterId, this.maxTrimmedId) < 0;
    const trimmed = this.maxTrimmedId !== null && compareIds(afterId, this.maxTrimmedId) <= 0;
    const start = this.firstIndexAfter(afterId);
    const first = this.log[0]?.id;
    const unknownId = !trimmed && (first === undefined || compareIds(afterId, first) < 0);
    return { events: this.log.slice(start, start + max), reset, unknownId };
  }

  async eventsBefore(beforeId: string | null, count: number) {
    const end = beforeId ? this.firstIndexAtOrAfter(beforeId) : this.log.length;
    return this.log.slice(Math.max(0, end - count), end).reverse();
  }

  async eventsInIndexes(indexes: string[], { before, after }: { before: string | null; after: string | null }, count: number) {
    const candidates: Notification[] = [];
    for (const key of new Set(indexes)) {
      const index = this.byIndex.get(key);
      if (!index) continue;
      const end = before ? firstIndexWhere(index, (id) => compareIds(id, before) >= 0) : index.length;
      const start = after ? firstIndexWhere(index, (id) => compareIds(id, after) > 0) : 0;
      candidates.push(...index.slice(Math.max(start, end - count), end));
    }
    return candidates.sort((a, b) => compareIds(b.id, a.id)).slice(0, count);
  }

  async searchIndexes(indexes: string[], range: { before: string | null; after: string | null }, count: number, words: string[]) {
    const lookedAt = await this.eventsInIndexes(indexes, range, count);
    return { events: lookedAt.filter((n) => hasWords(n, words)), lastLookedAt: lookedAt.length < count ? null : lookedAt.at(-1)!.id };
  }

  async latestId() {
    return this.lastId;
  }

  async eventsByIds(ids: string[]) {
    const found = new Map<string, Notification>();
    for (const id of ids) {
      const candidate = this.log[this.firstIndexAtOrAfter(id)];
      if (candidate?.id === id) found.set(id, candidate);
    }
    return [...found.values()].sort((a, b) => compareIds(a.id, b.id));
  }

  async latestInCollapseScopes(scopes: string[]) {
    return entriesOf(this.collapsed, scopes);
  }

  async threadsOf(scopes: string[]) {
    return this.eventsByIds([...new Set(scopes)].flatMap((scope) => this.threads.get(scope) ?? []));
  }

  async publishedCount() {
    return this.published;
  }

  subscribe(onMessage: (message: BusMessage) => void): BusSubscription {
    let closed = false;
    let resumeTimer: ReturnType<typeof setTimeout> | null = null;
    const detach = () => this.bus.off(onMessage);
    this.bus.on(onMessage);
    // Live at once; said after this call returns (the subscriber may not be set up yet).
    const newestAtStart = this.lastId;
    queueMicrotask(() => !closed && onMessage({ type: "live", newestId: newestAtStart }));
    const subscription: BusSubscription = {
      ready: Promise.resolve(),
      close: () => {
        closed = true;
        if (resumeTimer) clearTimeout(resumeTimer);
        detach();
      },
      restart: () => subscription.pause(0),
      pause: (ms) => {
        if (closed || resumeTimer) return;
        detach();
        onMessage({ type: "interrupted" });
        const pausedAfter = this.lastId ?? "0-0";
        resumeTimer = setTimeout(() => {
          resumeTimer = null;
          if (closed) return;
          onMessage({ type: "resubscribed" });
          // What was published during the pause comes from the log, then live again (same turn: nothing between);
          // what the log no longer holds is a gap every stream must be told of.
          if (this.maxTrimmedId && compareIds(pausedAfter, this.maxTrimmedId) < 0) onMessage({ type: "gap" });
          for (const notification of this.log.slice(this.firstIndexAfter(pausedAfter))) onMessage({ type: "notification", notification });
          onMessage({ type: "live", newestId: this.lastId });
          this.bus.on(onMessage);
        }, ms);
      },
    };
    return subscription;
  }

  private firstIndexAfter(id: string) {
    return firstIndexWhere(this.log, (candidate) => compareIds(candidate, id) > 0);
  }

  private firstIndexAtOrAfter(id: string) {
    return firstIndexWhere(this.log, (candidate) => compareIds(candidate, id) >= 0);
  }
}

/** The indexes a notification is in: its audience's. */
function indexKeysOf(n: Notification): string[] {
  return [audienceKey(n.audience)];
}

/** Binary search over id-ordered notifications for the first whose id matches `pred`. */
function firstIndexWhere(list: Notification[], pred: (id: string) => boolean) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pred(list[mid]!.id)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
