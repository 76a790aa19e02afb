// The stream client against a real node:http SSE server: resume, dedupe,
// planned rotation, and what each refusal means.
import { afterEach, describe, expect, it } from "vitest";
import { serveSSE, sseHead, until, type SSETestServer } from "@/testing/sse-test-server";
import { backoffDelay, SSEConnection } from "./sse-connection";
import { parseEventData, type SSERawEvent, type SSEState } from "./sse-types";

const servers: SSETestServer[] = [];
const connections: SSEConnection[] = [];
afterEach(() => {
  connections.splice(0).forEach((c) => c.close());
  servers.splice(0).forEach((s) => s.close());
});

async function serve(handler: Parameters<typeof serveSSE>[0]) {
  const server = await serveSSE(handler);
  servers.push(server);
  return server;
}

function connect(url: string, options: ConstructorParameters<typeof SSEConnection>[1] = {}) {
  const batches: SSERawEvent[][] = [];
  const states: SSEState[] = [];
  const connection = new SSEConnection(url, options, { onEvents: (e) => batches.push(e), onState: (s) => states.push(s) });
  connections.push(connection);
  connection.start();
  return { connection, batches, states, events: () => batches.flat() };
}

describe("backoff", () => {
  it("grows exponentially with jitter, within bounds, and is capped", () => {
    expect(backoffDelay(0, 1_000, () => 0)).toBe(500);
    expect(backoffDelay(0, 1_000, () => 1)).toBe(1_000);
    expect(backoffDelay(3, 1_000, () => 1)).toBe(8_000);
    expect(backoffDelay(20, 1_000, () => 1)).toBe(30_000);
    expect(new Set(Array.from({ length: 20 }, () => backoffDelay(2, 1_000))).size).toBeGreaterThan(1);
  });

  it("reports bad JSON as an error value instead of throwing", () => {
    expect(parseEventData({ event: "notification", data: '{"a":1}' })).toEqual({ data: { a: 1 } });
    const bad = parseEventData({ event: "notification", data: "{oops" });
    expect("error" in bad && bad.error.message).toMatch(/not JSON/);
  });
});

describe("stream connection", () => {
  it("sends the token, hands on one chunk's events at once, and resumes with Last-Event-ID after a drop", async () => {
    const server = await serve((_req, res, attempt) => {
      sseHead(res);
      if (attempt === 0) {
        res.write("retry: 50\n\nevent: notification\nid: 1-0\ndata: {}\n\nevent: notification\nid: 2-0\ndata: {}\n\n");
        setTimeout(() => res.destroy(), 30);
      } else res.write("event: notification\nid: 3-0\ndata: {}\n\n");
    });
    const { batches, events } = connect(server.url, { token: "secret" });
    await until(() => events().length === 3);
    expect(batches[0]!.map((e) => e.id)).toEqual(["1-0", "2-0"]);
    expect(server.requests[0]!.headers.authorization).toBe("Bearer secret");
    expect(server.requests[1]!.headers["last-event-id"]).toBe("2-0");
  });

  it("sends its browser id, and once replaced by a newer stream of that browser, stops without coming back", async () => {
    const server = await serve((_req, res) => {
      sseHead(res);
      res.write("retry: 10\n\nevent: notification\nid: 1-0\ndata: {}\n\nevent: replaced\ndata: {}\n\n");
      setTimeout(() => res.end(), 10);
    });
    const { states, events } = connect(server.url, { browserId: "browser-1" });
    await until(() => states.at(-1)?.status === "closed");
    expect(server.requests[0]!.headers["x-browser-id"]).toBe("browser-1");
    expect(events().map((e) => e.id)).toEqual(["1-0"]);
    // A dropped stream would be retried within a few retry intervals (10 ms); a replaced one never is.
    const settled = server.requests.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(server.requests.length).toBe(settled);
    expect(settled).toBe(1);
  });

  it("drops an event whose id is not past the newest it handed on", async () => {
    const server = await serve((_req, res) => {
      sseHead(res);
      res.write("event: notification\nid: 5-0\ndata: {}\n\nevent: notification\nid: 4-0\ndata: {}\n\nevent: notification\nid: 5-0\ndata: {}\n\nevent: notification\nid: 6-0\ndata: {}\n\n");
    });
    const { events } = connect(server.url, { lastEventId: "4-0" });
    await until(() => events().length === 2);
    expect(events().map((e) => e.id)).toEqual(["5-0", "6-0"]);
  });

  it("resumes at once on a planned rotation and never leaves the open state", async () => {
    const server = await serve((_req, res, attempt) => {
      sseHead(res);
      res.write(`event: notification\nid: ${attempt + 1}-0\ndata: {}\n\n`);
      if (attempt === 0) res.end("event: reconnect\ndata: {}\n\n");
    });
    const { events, states } = connect(server.url);
    await until(() => events().length === 2);
    expect(server.requests[1]!.headers["last-event-id"]).toBe("1-0");
    expect(events().some((e) => e.event === "reconnect")).toBe(false);
    const afterOpen = states.slice(states.findIndex((s) => s.status === "open"));
    expect(afterOpen.every((s) => s.status === "open")).toBe(true);
  });

  it("stops for good on 401: the person must sign in again", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "Sign in first." }));
    });
    const { states } = connect(server.url);
    await until(() => states.at(-1)?.status === "closed");
    await new Promise((r) => setTimeout(r, 300));
    expect(server.requests).toHaveLength(1);
    expect(states.at(-1)!.error).toMatchObject({ kind: "unauthorized", message: "Sign in first." });
  });

  it("waits out a 429's Retry-After and says why", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "7" });
      res.end(JSON.stringify({ error: "Too many devices connected (at most 1 per user): close one. Try again in 7 s." }));
    });
    const { states } = connect(server.url);
    await until(() => states.at(-1)?.retryAt != null);
    const last = states.at(-1)!;
    expect(last.error).toMatchObject({ kind: "too-many" });
    expect(last.retryAt! - Date.now()).toBeGreaterThan(6_000);
    // Not even a returning network retries before the server said.
    connections[0]!.retryNow();
    await new Promise((r) => setTimeout(r, 200));
    expect(server.requests).toHaveLength(1);
  });

  it("retries at once when asked while waiting out a backoff (network back, tab in view)", async () => {
    const server = await serve((_req, res, attempt) => {
      if (attempt === 0) return res.destroy();
      sseHead(res);
      res.write(": hi\n\n");
    });
    const { connection, states } = connect(server.url, {});
    await until(() => states.at(-1)?.retryAt != null);
    connection.retryNow();
    await until(() => states.at(-1)?.status === "open", 300);
    expect(server.requests).toHaveLength(2);
  });
});
