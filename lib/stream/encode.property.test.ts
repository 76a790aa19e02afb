// Property: whatever text a notification holds, what a client parses from the
// stream is exactly what was published, and no field can be injected.
import { createParser, type EventSourceMessage } from "eventsource-parser";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { collect } from "@/testing/sse-reader";
import { publishSchema } from "../shared/schemas";
import { embeddedStores } from "../store/embedded";
import { encodeJsonEvent, formatFrame } from "./encode";
import { Hub } from "./hub";

function parseAll(text: string) {
  const events: EventSourceMessage[] = [];
  createParser({ onEvent: (e) => events.push(e) }).feed(text);
  return events;
}

// Any unicode, weighted towards what breaks framings: line breaks, NUL, colons, field names.
const nasty = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.array(fc.constantFrom("\n", "\r", "\r\n", "\u0000", ":", "data: ", "event: x", "id: 1", "retry: 1", "\u2028", "🌍", " "), { maxLength: 40 }).map((a) => a.join("")),
);

describe("SSE encoding, property-based", () => {
  it("round-trips any data text exactly (line breaks normalised to \\n)", () => {
    fc.assert(
      fc.property(nasty, (text) => {
        const [event, ...rest] = parseAll(formatFrame({ event: "notification", id: "1-0", data: text }));
        expect(rest).toHaveLength(0);
        expect(event?.event).toBe("notification");
        expect(event?.id).toBe("1-0");
        expect(event?.data).toBe(text.replace(/\r\n|\r/g, "\n"));
      }),
      { numRuns: 500 },
    );
  });

  it("round-trips any JSON payload byte for byte, as one event", () => {
    fc.assert(
      fc.property(nasty, nasty, (title, body) => {
        const text = new TextDecoder().decode(encodeJsonEvent("notification", { title, body }, "5-1"));
        const events = parseAll(text);
        expect(events).toHaveLength(1);
        expect(JSON.parse(events[0]!.data)).toEqual({ title, body });
      }),
      { numRuns: 500 },
    );
  });

  it("delivers every notification the schema accepts exactly as stored, through store and hub", async () => {
    const store = embeddedStores(100_000);
    const hub = new Hub(store, { instanceId: "p", heartbeatMs: 60_000, maxDurationMs: 600_000, retryMs: 1_000, queueMaxBytes: 64 << 20 });
    const controller = new AbortController();
    const stream = collect(hub.open({ userId: "alice", following: [], lastEventId: null, signal: controller.signal }));
    const accepted: unknown[] = [];
    await fc.assert(
      fc.asyncProperty(nasty, nasty, fc.constantFrom("info", "success", "warning", "error"), async (title, body, severity) => {
        const parsed = publishSchema.safeParse({ title, body, severity, audience: { kind: "all" } });
        if (!parsed.success) return;
        const { audience, ...rest } = parsed.data;
        accepted.push(await store.log.publish({ ...rest, audience, sender: { id: "u_a", name: "A" } }));
      }),
      { numRuns: 300 },
    );
    await stream.waitFor((events) => events.filter((e) => e.event === "notification").length === accepted.length);
    const delivered = stream.events.filter((e) => e.event === "notification").map((e) => JSON.parse(e.data));
    expect(delivered).toEqual(accepted);
    expect(accepted.length).toBeGreaterThan(50);
    controller.abort();
  });
});
