// Test helper: reads an SSE byte stream with eventsource-parser and collects
// what arrives, so tests assert on parsed events rather than raw text.
import { createParser, type EventSourceMessage } from "eventsource-parser";

export interface CollectedStream {
  events: EventSourceMessage[];
  comments: string[];
  retry: number | null;
  /** Settles when the stream ends (done or errored). */
  ended: Promise<void>;
  /** Resolves once `predicate` holds for the events received so far. */
  waitFor(predicate: (events: EventSourceMessage[]) => boolean, timeoutMs?: number): Promise<void>;
}

export function collect(stream: ReadableStream<Uint8Array>): CollectedStream {
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const result: CollectedStream = {
    events,
    comments,
    retry: null,
    ended: Promise.resolve(),
    waitFor(predicate, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(events)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; got events: ${events.map((e) => e.event ?? "message").join(", ")}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
  const parser = createParser({
    onEvent(event) {
      events.push(event);
      for (const waiter of [...waiters]) waiter();
    },
    onRetry(ms) {
      result.retry = ms;
    },
    onComment(comment) {
      comments.push(comment.trim());
      for (const waiter of [...waiters]) waiter();
    },
  });
  const decoder = new TextDecoder();
  result.ended = (async () => {
    const reader = stream.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // An errored stream (e.g. a stalled client cut off) simply ends here.
    }
  })();
  return result;
}

export const notificationIds = (events: EventSourceMessage[]) =>
  events.filter((e) => e.event === "notification").map((e) => e.id);
