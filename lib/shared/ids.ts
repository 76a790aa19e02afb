// Notification ids are Redis stream ids ("<ms>-<seq>"); both stores mint them,
// and this is the one place that knows how to order them.

const ID_PATTERN = /^(\d{1,16})-(\d{1,16})$/;

export function isNotificationId(value: string): boolean {
  return ID_PATTERN.test(value);
}

function parts(id: string): [number, number] {
  const match = ID_PATTERN.exec(id);
  if (!match) throw new Error(`not a notification id: ${id}`);
  return [Number(match[1]), Number(match[2])];
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareIds(a: string, b: string): number {
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  return am === bm ? as - bs : am - bm;
}

/** The smallest id strictly greater than `last` at time `now` (ms). */
export function nextId(last: string | null, now: number): string {
  if (!last) return `${now}-0`;
  const [ms, seq] = parts(last);
  return now > ms ? `${now}-0` : `${ms}-${seq + 1}`;
}

/** Whether `id` is past `than` (anything is past nothing; a value that is no id is never dropped). */
export function isNewerId(id: string, than: string | null): boolean {
  if (!than || !isNotificationId(id) || !isNotificationId(than)) return true;
  return compareIds(id, than) > 0;
}

/** The newer of two resume points. */
export function newestId(a: string | null, b: string | null): string | null {
  return a && isNewerId(a, b) ? a : b;
}

/** The largest sequence an id may have (16 digits, within Redis's 64 bits). */
const MAX_SEQ = "9999999999999999";

/**
 * Exclusive id bounds for a time range (ms, inclusive): ids minted at or
 * after `since` and at or before `until`. A `before` already given (a page's
 * cursor) stays when it is the nearer bound.
 */
export function idRangeOf({ since, until, before }: { since?: number; until?: number; before: string | null }): { after: string | null; before: string | null } {
  const untilBound = until === undefined ? null : `${Math.max(0, Math.floor(until) + 1)}-0`;
  return {
    after: since === undefined || since <= 0 ? null : `${Math.floor(since) - 1}-${MAX_SEQ}`,
    before: before === null ? untilBound : untilBound === null || compareIds(before, untilBound) < 0 ? before : untilBound,
  };
}
