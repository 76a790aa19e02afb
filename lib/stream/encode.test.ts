import { createParser, type EventSourceMessage } from "eventsource-parser";
import { describe, expect, it } from "vitest";
import { concatChunks, encodeFrame, formatFrame } from "./encode";

/** Parses what we wrote the way a browser's EventSource would. */
function parse(text: string): EventSourceMessage[] {
  const events: EventSourceMessage[] = [];
  createParser({ onEvent: (e) => events.push(e) }).feed(text);
  return events;
}

describe("SSE framing", () => {
  it("writes a named event with id and data", () => {
    expect(formatFrame({ event: "notification", id: "1-0", data: '{"a":1}' })).toBe('event: notification\nid: 1-0\ndata: {"a":1}\n\n');
  });

  it("splits multi-line data on \\n, \\r\\n and \\r so a client rebuilds it with \\n", () => {
    const [event] = parse(formatFrame({ data: "one\ntwo\r\nthree\rfour" }));
    expect(event?.data).toBe("one\ntwo\nthree\nfour");
  });

  it("keeps unicode intact, including line and paragraph separators", () => {
    const text = "héllo 🌍 \u2028 \u2029 日本語 \u0085";
    const [event] = parse(new TextDecoder().decode(encodeFrame({ event: "x", data: text })));
    expect(event?.data).toBe(text);
  });

  it("cannot be made to start a new field through the event name or id", () => {
    const frame = formatFrame({ event: "notification\ndata: injected\n\nevent: evil", id: "1-0\nretry: 1", data: "ok" });
    const events = parse(frame);
    expect(events).toHaveLength(1);
    expect(events[0]?.event).toBe("notificationdata: injectedevent: evil");
    expect(events[0]?.id).toBe("1-0retry: 1");
    expect(events[0]?.data).toBe("ok");
  });

  it("cannot be made to end an event early through the data", () => {
    const events = parse(formatFrame({ event: "notification", data: "a\n\nevent: reset\ndata: x" }));
    expect(events).toHaveLength(1);
    expect(events[0]?.event).toBe("notification");
    expect(events[0]?.data).toBe("a\n\nevent: reset\ndata: x");
  });

  it("writes retry and comment lines", () => {
    expect(formatFrame({ retry: 3000 })).toBe("retry: 3000\n\n");
    expect(formatFrame({ comment: "ping" })).toBe(": ping\n\n");
  });

  it("concatenates chunks without copying a single one", () => {
    const a = new Uint8Array([1, 2]);
    expect(concatChunks([a])).toBe(a);
    expect([...concatChunks([a, new Uint8Array([3])])]).toEqual([1, 2, 3]);
  });
});
