// The browser-side stream client in its fetch mode (what API tokens use),
// against a real node:http SSE server.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { backoffDelay, parseEventData, sharedConnection, SSEConnection, type SSERawEvent, type SSEState } from "./sse-client";

type Handler = (req: IncomingMessage, res: ServerResponse, attempt: number) => void;
const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function serve(handler: Handler) {
  let attempt = 0;
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    res.writeHead(200, { "content-type": "text/event-stream" });
    handler(req, res, attempt++);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`, seen };
}

function watch(connection: SSEConnection, events: string[]) {
  const received: SSERawEvent[] = [];
  const states: SSEState[] = [];
  const unsubscribe = connection.subscribe({ events, onEvent: (e) => received.push(e), onState: (s) => states.push(s) });
  return { received, states, unsubscribe };
}

const until = async (check: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("backoff", () => {
  it("grows exponentially with jitter, within bounds, and is capped", () => {
    expect(backoffDelay(0, 1_000, () => 0)).toBe(500);
    expect(backoffDelay(0, 1_000, () => 1)).toBe(1_000);
    expect(backoffDelay(3, 1_000, () => 1)).toBe(8_000);
    expect(backoffDelay(20, 1_000, () => 1)).toBe(30_000);
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(2, 1_000)));
    expect(delays.size).toBeGreaterThan(1);
  });
});

describe("event data", () => {
  it("reports bad JSON as an error value instead of throwing", () => {
    expect(parseEventData({ event: "notification", data: '{"a":1}' })).toEqual({ data: { a: 1 } });
    const bad = parseEventData({ event: "notification", data: "{oops" });
    expect("error" in bad && bad.error.message).toMatch(/not JSON/);
  });
});

describe("fetch mode", () => {
  it("sends the token, delivers named events, and resumes with Last-Event-ID after a drop", async () => {
    const { url, seen } = await serve((_req, res, attempt) => {
      res.write("retry: 20\n\n");
      if (attempt === 0) {
        res.write("event: notification\nid: 1-0\ndata: {\"n\":1}\n\n");
        res.end(); // the connection drops
      } else {
        res.write("event: notification\nid: 2-0\ndata: {\"n\":2}\n\n");
      }
    });
    const connection = new SSEConnection(url, { token: "ntf_secret" });
    const { received, unsubscribe } = watch(connection, ["notification"]);
    await until(() => received.length === 2);
    expect(received.map((e) => e.id)).toEqual(["1-0", "2-0"]);
    expect(seen[0]!.headers.authorization).toBe("Bearer ntf_secret");
    expect(seen[0]!.headers["last-event-id"]).toBeUndefined();
    expect(seen[1]!.headers["last-event-id"]).toBe("1-0");
    unsubscribe();
    expect(connection.getState().status).toBe("closed");
  });

  it("reconnects at once on a reconnect event, without reporting an error", async () => {
    const { url, seen } = await serve((_req, res, attempt) => {
      if (attempt === 0) res.write("event: notification\nid: 5-0\ndata: {}\n\nevent: reconnect\ndata: {}\n\n");
      else res.write(": ok\n\n");
    });
    const connection = new SSEConnection(url, { token: "t" });
    const { states, unsubscribe } = watch(connection, ["notification"]);
    await until(() => seen.length === 2);
    expect(seen[1]!.headers["last-event-id"]).toBe("5-0");
    expect(states.some((s) => s.error)).toBe(false);
    unsubscribe();
  });

  it("stops retrying when the server refuses the client", async () => {
    const server = createServer((_req, res) => res.writeHead(401).end());
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const connection = new SSEConnection(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { token: "bad" });
    const { states, unsubscribe } = watch(connection, ["notification"]);
    await until(() => states.at(-1)?.status === "closed");
    expect(states.at(-1)?.error?.message).toMatch(/401/);
    unsubscribe();
  });

  it("shares one connection between subscribers of the same URL", async () => {
    const { url, seen } = await serve((_req, res) => res.write("event: a\ndata: {}\n\n"));
    const first = sharedConnection(url, { token: "x" });
    const second = sharedConnection(url, { token: "x" });
    expect(second).toBe(first);
    const a = watch(first, ["a"]);
    const b = watch(second, ["a"]);
    await until(() => a.received.length === 1 && b.received.length === 1);
    expect(seen).toHaveLength(1);
    a.unsubscribe();
    b.unsubscribe();
    expect(sharedConnection(url, { token: "x" })).not.toBe(first);
  });
});
