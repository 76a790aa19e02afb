// What the Redis-backed bus carries, and how log entries become notifications.
import type { ReadEventData, Notification } from "../../shared/types";
import type { ControlMessage } from "../bus/types";
import type { NewNotification } from "../log/types";

/** A notification travels without id/createdAt, which derive from the stream id. */
export type WireMessage =
  | ControlMessage
  | { type: "notification"; id: string; n: NewNotification }
  /** What instances of the previous release send for a read change: still understood during a rolling deploy. */
  | { type: "read"; userId: string; data: ReadEventData };

type StreamEntry = [string, string[]];

export function toNotification(id: string, input: NewNotification): Notification {
  return { id, ...input, createdAt: new Date(Number(id.split("-")[0])).toISOString() };
}

export function fromEntries(raw: unknown): Notification[] {
  // The client answers XRANGE either as entry arrays or as an { id: fields } object.
  const entries: StreamEntry[] = Array.isArray(raw)
    ? (raw as StreamEntry[])
    : Object.entries((raw ?? {}) as Record<string, Record<string, string>>).map(([id, fields]) => [id, Object.entries(fields).flat()]);
  return entries.map(([id, fields]) => toNotification(id, JSON.parse(fields[fields.indexOf("n") + 1]!) as NewNotification));
}
