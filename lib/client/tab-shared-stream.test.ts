// Tab sharing with several "tabs" in one process: Node's BroadcastChannel,
// an in-process lock manager, and a real node:http SSE server.
import { afterEach, describe, expect, it } from "vitest";
import { InProcessLocks } from "@/testing/lock-manager";
import { serveSSE, sseHead, until, type SSETestServer } from "@/testing/sse-test-server";
import type { SSERawEvent, SSEState } from "./sse-types";
import { SharedStream, type SharedStreamOptions, type TabSharing } from "./tab-shared-stream";

const servers: SSETestServer[] = [];
const unsubscribes: (() => void)[] = [];
afterEach(() => {
  unsubscribes.splice(0).forEach((u) => u());
  servers.splice(0).forEach((s) => s.close());
});

/** An SSE server that sends every id the test publishes, after the request's Last-Event-ID. */
async function notificationServer() {
  const open = new Set<import("node:http").ServerResponse>();
  const log: string[] = [];
  const server = await serveSSE((req, res) => {
    sseHead(res);
    const after = req.headers["last-event-id"];
    for (const id of log) if (!after || Number(id) > Number(String(after).split("-")[0])) res.write(frame(id));
    open.add(res);
    res.on("close", () => open.delete(res));
  });
  servers.push(server);
  const frame = (id: string) => `event: notification\nid: ${id}-0\ndata: {}\n\n`;
  return {
    server,
    open,
    publish(id: string) {
      log.push(id);
      for (const res of open) res.write(frame(id));
    },
    /** A change told live only, with no id (a read mark): a stream that resumes never hears it again. */
    tell(event: string) {
      for (const res of open) res.write(`event: ${event}\ndata: {}\n\n`);
    },
    heartbeat() {
      for (const res of open) res.write(": ping\n\n");
    },
  };
}

function tab(url: string, sharing: TabSharing | null, options: SharedStreamOptions = {}) {
  const stream = new SharedStream(url, { scope: "alice", ...options }, sharing);
  const received: SSERawEvent[] = [];
  const states: SSEState[] = [];
  const unsubscribe = stream.subscribe({ events: ["notification", "read", "reset"], onEvent: (e) => received.push(e), onState: (s) => states.push(s) });
  unsubscribes.push(unsubscribe);
  return { stream, received, states, ids: () => received.filter((e) => e.id).map((e) => e.id), close: unsubscribe };
}

function browser(): TabSharing {
  const locks = new InProcessLocks();
  return { locks: locks as unknown as TabSharing["locks"], openChannel: (name) => new BroadcastChannel(name) };
}

describe("tab-shared stream", () => {
  it("a tab that missed relayed events (its script hung while another led) is told to refetch, and gets what follows", async () => {
    const { server, publish } = await notificationServer();
    const sharing = browser();
    const leader = tab(server.url, sharing);
    await until(() => leader.states.at(-1)?.status === "open");
    const follower = tab(server.url, sharing);
    publish("1");
    await until(() => follower.ids().includes("1-0"));
    // The follower stops hearing the channel for a while, as a paused script would.
    const channel = (follower.stream as unknown as { channel: BroadcastChannel }).channel;
    const listen = channel.onmessage;
    channel.onmessage = null;
    publish("2");
    publish("3");
    await until(() => leader.ids().includes("3-0"));
    channel.onmessage = listen;
    publish("4");
    await until(() => follower.ids().includes("4-0"));
    expect(follower.received.map((e) => e.event)).toEqual(["notification", "reset", "notification"]);
  });

  it("a tab that missed relayed changes without ids (its script hung) is told to refetch, also when only heartbeats follow", async () => {
    const { server, tell, heartbeat } = await notificationServer();
    const sharing = browser();
    const leader = tab(server.url, sharing);
    await until(() => leader.states.at(-1)?.status === "open");
    const follower = tab(server.url, sharing);
    tell("read");
    await until(() => follower.received.length === 1);
    // Chromium drops what a BroadcastChannel carries to a tab paused in the debugger; here the tab stops listening.
    const channel = (follower.stream as unknown as { channel: BroadcastChannel }).channel;
    const listen = channel.onmessage;
    channel.onmessage = null;
    tell("read");
    await until(() => leader.received.length === 2);
    channel.onmessage = listen;
    // Quiet: the leader's "alive" (sent at most every few seconds, on a heartbeat) is all the follower hears next.
    await until(() => {
      heartbeat();
      return follower.received.some((e) => e.event === "reset");
    }, 15_000);
    expect(follower.received.map((e) => e.event)).toEqual(["read", "reset"]);
  });

  it("a leader replaced while hung may relay for a moment beside the new one: no refetch for that, one for a number missing", async () => {
    const { server } = await notificationServer();
    const sharing = browser();
    const leader = tab(server.url, sharing);
    await until(() => leader.states.at(-1)?.status === "open");
    const follower = tab(server.url, sharing);
    await until(() => follower.states.at(-1)?.status === "open"); // the leader answered its hello: it is counting
    const hear = (follower.stream as unknown as { onMessage(m: unknown): void }).onMessage.bind(follower.stream);
    const read = (leader: string, seq: number) => hear({ type: "events", events: [{ event: "read", data: "{}" }], after: null, leader, seq });
    read("old", 1);
    read("new", 1);
    read("old", 2);
    hear({ type: "alive", hungAfterMs: 60_000, leader: "old", seq: 2 });
    read("new", 2);
    hear({ type: "alive", hungAfterMs: 60_000, leader: "new", seq: 2 });
    expect(follower.received.map((e) => e.event)).toEqual(["read", "read", "read", "read"]);
    read("new", 4);
    expect(follower.received.map((e) => e.event)).toEqual(["read", "read", "read", "read", "reset", "read"]);
  });

  it("gives a browser's tabs one connection, and every tab every event once", async () => {
    const { server, publish } = await notificationServer();
    const sharing = browser();
    const tabs = [tab(server.url, sharing), tab(server.url, sharing), tab(server.url, sharing)];
    await until(() => tabs.every((t) => t.states.at(-1)?.status === "open"));
    publish("1");
    publish("2");
    await until(() => tabs.every((t) => t.ids().length === 2));
    expect(server.requests).toHaveLength(1);
    for (const t of tabs) expect(t.ids()).toEqual(["1-0", "2-0"]);
    expect(tabs.filter((t) => t.stream.isLeader)).toHaveLength(1);
  });

  it("hands over when the leading tab goes: the next resumes from the newest id, nothing lost or doubled", async () => {
    const { server, publish } = await notificationServer();
    const sharing = browser();
    const first = tab(server.url, sharing);
    await until(() => first.states.at(-1)?.status === "open");
    const second = tab(server.url, sharing);
    publish("1");
    await until(() => second.ids().length === 1);
    first.close();
    publish("2"); // published during the handover
    await until(() => second.stream.isLeader && second.ids().length === 2);
    publish("3");
    await until(() => second.ids().length === 3);
    expect(second.ids()).toEqual(["1-0", "2-0", "3-0"]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.headers["last-event-id"]).toBe("1-0");
  });

  it("keeps a stream per tab where the browser cannot share, and never shares a token's stream", async () => {
    const { server, publish } = await notificationServer();
    const unshared = [tab(server.url, null), tab(server.url, null)];
    const sharing = browser();
    const withToken = [tab(server.url, sharing, { token: "t" }), tab(server.url, sharing, { token: "t" })];
    await until(() => server.requests.length === 4);
    publish("1");
    await until(() => [...unshared, ...withToken].every((t) => t.ids().length === 1));
  });

  it("shares only within a scope: another account's tabs hold their own stream", async () => {
    const { server } = await notificationServer();
    const sharing = browser();
    tab(server.url, sharing, { scope: "alice" });
    tab(server.url, sharing, { scope: "bob" });
    await until(() => server.requests.length === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.requests).toHaveLength(2);
  });

  it("a tab that joins late gets the leader's state, and a resume point moved forward is kept for its turn", async () => {
    const { server, publish } = await notificationServer();
    const sharing = browser();
    const first = tab(server.url, sharing);
    await until(() => first.states.at(-1)?.status === "open");
    const late = tab(server.url, sharing);
    await until(() => late.states.at(-1)?.status === "open");
    late.stream.advanceTo("7-0"); // its history page went up to 7
    first.close();
    await until(() => server.requests.length === 2);
    expect(server.requests[1]!.headers["last-event-id"]).toBe("7-0");
    publish("8");
    await until(() => late.ids().length === 1);
    expect(late.ids()).toEqual(["8-0"]);
  });
});
