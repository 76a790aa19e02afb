// Misbehaving clients against a production server: one that stops reading,
// and thousands that open and abort streams. Nothing may leak or be lost.
import { request, type IncomingMessage } from "node:http";
import { createParser } from "eventsource-parser";
import { collect, notificationIds } from "../testing/sse-reader";
import { productNodeFlags, startNextServer, type NextServer } from "../testing/next-server";
import { signInCookie } from "../testing/session";
import { compareIds } from "@/lib/shared/ids";
import type { Stats } from "@/lib/shared/types";
import { expect, test } from "./fixtures";

let server: NextServer;
let admin: string;
let member: string;
test.beforeAll(async () => {
  server = await startNextServer(
    {
      STREAM_QUEUE_MAX_BYTES: "65536",
      MAX_CONNECTIONS_PER_USER: "10000",
      RATE_CONNECT_PER_MIN: "1000000",
      RATE_PUBLISH_PER_MIN: "1000000",
      // It polls /api/admin/stats while it loads the server.
      RATE_REQUESTS_PER_MIN: "1000000",
      DIAGNOSTICS: "1",
    },
    // --expose-gc: the leak check reads the heap after a full collection.
    { nodeFlags: [...productNodeFlags(), "--expose-gc"] },
  );
  admin = await signInCookie(server.url, "admin@example.com");
  member = await signInCookie(server.url, "alice@example.com");
});
test.afterAll(async () => server.stop());

/** The heap the server retains, after a full collection. */
async function retainedHeap(): Promise<number> {
  const res = await fetch(`${server.url}/api/admin/diagnostics`, {
    method: "POST",
    headers: { cookie: admin, origin: server.url, "content-type": "application/json" },
    body: JSON.stringify({ action: "collect-garbage" }),
  });
  const { heapUsedBytes } = (await res.json()) as { heapUsedBytes: number | null };
  expect(heapUsedBytes).not.toBeNull();
  return heapUsedBytes!;
}

async function stats(): Promise<Stats> {
  return (await fetch(`${server.url}/api/admin/stats`, { headers: { cookie: admin } })).json();
}

async function publishMany(count: number, body: string, inFlight = 8) {
  const ids: string[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const i = next++;
        const res = await fetch(`${server.url}/api/notifications`, {
          method: "POST",
          headers: { cookie: admin, origin: server.url, "content-type": "application/json" },
          body: JSON.stringify({ audience: { kind: "all" }, title: `flood ${i}`, body }),
        });
        expect(res.status).toBe(201);
        ids[i] = (await res.json()).id;
      }
    }),
  );
  return ids.sort(compareIds);
}

/** A stream whose response is never read: the socket buffers fill, then the server's queue. */
function stalledStream(cookie: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/api/events`, { headers: { cookie } }, (res) => {
      res.pause();
      resolve(res);
    });
    req.on("error", reject);
    req.end();
  });
}

test("a client that stops reading is cut off; the others get everything; it resumes missing nothing", async () => {
  test.setTimeout(180_000);
  const readers = await Promise.all(
    Array.from({ length: 4 }, async () => {
      const controller = new AbortController();
      const res = await fetch(`${server.url}/api/events`, { headers: { cookie: member }, signal: controller.signal });
      const stream = collect(res.body!);
      await stream.waitFor((e) => e.some((x) => x.event === "connected"));
      return { stream, controller };
    }),
  );
  const stalled = await stalledStream(member);
  await expect.poll(async () => (await stats()).thisInstance.connections).toBe(5);
  const rssBefore = (await stats()).thisInstance.rssBytes;

  const ids = await publishMany(3_000, "x".repeat(1_500));

  // The stalled stream was ended by the server; the readers are still open.
  await expect.poll(async () => (await stats()).thisInstance.connections, { timeout: 30_000 }).toBe(4);
  for (const { stream } of readers) {
    await stream.waitFor((e) => notificationIds(e).length >= 3_000, 60_000);
  }
  for (const { stream } of readers) expect(notificationIds(stream.events).filter((id) => ids.includes(id!))).toEqual(ids);
  // What the server held for the stalled stream never passed the cap (64 KiB) by more than one batch.
  const after = (await stats()).thisInstance;
  expect(after.backlogPeakBytes).toBeGreaterThan(0);
  expect(after.backlogPeakBytes).toBeLessThan(65_536 + 64 * 1_024);
  // And the process as a whole stayed within a loose bound (no GC is forced, so RSS is noisy).
  expect(after.rssBytes - rssBefore).toBeLessThan(256 * 1024 * 1024);

  // What the stalled client did receive, read now, ends at some id; resuming from it misses nothing.
  const received: string[] = [];
  const parser = createParser({ onEvent: (e) => e.event === "notification" && e.id && received.push(e.id) });
  const decoder = new TextDecoder();
  await new Promise<void>((resolve) => {
    stalled.on("data", (chunk: Buffer) => parser.feed(decoder.decode(chunk, { stream: true })));
    stalled.on("error", () => resolve());
    stalled.on("end", () => resolve());
    stalled.on("close", () => resolve());
    stalled.resume();
  });
  const lastId = received.at(-1)!;
  expect(received.length).toBeLessThan(3_000);
  const controller = new AbortController();
  // Like EventSource, the client retries once when its pooled keep-alive socket was closed under it.
  const resume = () => fetch(`${server.url}/api/events`, { headers: { cookie: member, "last-event-id": lastId }, signal: controller.signal });
  const res = await resume().catch(resume);
  const resumed = collect(res.body!);
  const missing = ids.slice(ids.indexOf(lastId) + 1);
  await resumed.waitFor((e) => notificationIds(e).length >= missing.length, 60_000);
  expect(notificationIds(resumed.events)).toEqual(missing);
  controller.abort();
  for (const { controller: c } of readers) c.abort();
});

test("thousands of open/abort cycles leave no stream, listener or timer behind", async () => {
  test.setTimeout(180_000);
  const cycle = async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/events`, { headers: { cookie: member }, signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read(); // retry + connected
    controller.abort();
  };
  const run = async (count: number, inFlight = 50) => {
    let started = 0;
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (started++ < count) await cycle();
    }));
  };
  await run(300);
  await expect.poll(async () => (await stats()).thisInstance.connections).toBe(0);
  // RSS includes a young generation of up to 3 × 64 MB (npm start's semi-space flag), which grows with
  // the load rather than with what leaks: the retained heap after a full collection is what a leak grows.
  const baseline = await retainedHeap();
  await run(3_000);
  await expect
    .poll(async () => {
      const { connections, users, subscriptions, timers } = (await stats()).thisInstance;
      return { connections, users, subscriptions, timers };
    })
    .toEqual({ connections: 0, users: 0, subscriptions: 0, timers: 0 });
  const retained = await retainedHeap();
  console.log(`[measured] retained heap after 3,000 open/abort cycles: ${((retained - baseline) / 1024 / 1024).toFixed(1)} MB more than after 300`);
  // A stream's worth of state is ~75 KB: 3,000 leaked would be ~220 MB; even 5 KB a cycle would be 15 MB.
  expect(retained - baseline).toBeLessThan(12 * 1024 * 1024);
});
