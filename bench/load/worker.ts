// A load-generator thread: holds SSE clients (node:http, one keep-alive agent), parses them with
// eventsource-parser and times each delivery from the publish timestamp it carries to its receipt.
// A ws:// URL is a Socket.IO server instead (the socketio-redis peer): socket.io-client over WebSocket.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { parentPort } from "node:worker_threads";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { io, type Socket } from "socket.io-client";
import { compareIds, isNotificationId } from "../../lib/shared/ids";
import { STAMP as STAMP_EXPORT, now as nowExport, type Command, type Reply } from "./protocol";

const OPEN_TIMEOUT_MS = 60_000;
// Local bindings: the transpiled module would otherwise read imports through a getter on every delivery.
const STAMP = STAMP_EXPORT;
const now = nowExport;
const port = parentPort!;
// keepAliveMsecs: a keep-alive agent turns on TCP keepalive probes after this much silence (1 s by default).
// Streams are silent between heartbeats (15 s), and thousands of loopback sockets probing every second saw
// the kernel abort hundreds of them ("connections aborted due to timeout" in netstat -s) in the idle window.
// Browsers do not probe that eagerly; the heartbeat is what keeps a stream alive.
const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60_000, maxSockets: Infinity });
const requests = new Set<http.ClientRequest>();
const sockets = new Set<Socket>();
let closing = false;
let latencies = new Float64Array(1 << 16);
let count = 0;
let firstAt = Infinity;
let lastAt = 0;
let ended = 0;
/** How the first streams that ended had ended, for the log. */
let endedSamples: string[] = [];

/**
 * One stream as a client resuming by id sees it. During the reconnect storm a
 * stream that ends comes back, as the product's client does: after a jittered
 * wait, with Last-Event-ID set to the newest notification it received.
 */
interface StreamState {
  url: string;
  headers: Record<string, string>;
  lastId: string | null;
  /** Distinct notifications since storm-start. */
  distinct: number;
}
const streams: StreamState[] = [];
const storm = { on: false, down: 0, reopened: 0, lastReopenAt: 0, duplicates: 0 };
/**
 * A cut stream waits uniformly 1.5–3 s before it reconnects: the product's
 * client's first retry (full jitter over [retry / 2, retry], retry 3 s).
 */
const RECONNECT_WAIT_MS = { min: 1_500, max: 3_000 };
/**
 * Reconnects in flight at once (this worker's share of the connect phase's
 * cap), so a storm is paced as connecting from scratch is: past the listen
 * backlog the kernel drops SYNs, and TCP's retransmission timers, not the
 * server, would set the pace.
 */
let reconnectSlots = 0;
const waitingToReconnect: (() => void)[] = [];

function reconnectSlot(): Promise<() => void> {
  const release = () => {
    const next = waitingToReconnect.shift();
    if (next) next();
    else reconnectSlots++;
  };
  if (reconnectSlots > 0) {
    reconnectSlots--;
    return Promise.resolve(release);
  }
  return new Promise((resolve) => waitingToReconnect.push(() => resolve(release)));
}

function onNotification(stream: StreamState, id: string) {
  if (stream.lastId && compareIds(id, stream.lastId) <= 0) {
    if (storm.on) storm.duplicates++;
    return;
  }
  stream.lastId = id;
  if (storm.on) stream.distinct++;
}

function comeBack(stream: StreamState) {
  setTimeout(async () => {
    if (closing) return;
    const release = await reconnectSlot();
    if (closing) return release();
    const headers = stream.lastId ? { ...stream.headers, "last-event-id": stream.lastId } : stream.headers;
    open(stream, headers).then(
      () => {
        release();
        storm.down--;
        storm.reopened++;
        storm.lastReopenAt = now();
      },
      () => {
        release();
        comeBack(stream); // the instance is still restarting: try again
      },
    );
  }, RECONNECT_WAIT_MS.min + Math.random() * (RECONNECT_WAIT_MS.max - RECONNECT_WAIT_MS.min));
}

function record(event: EventSourceMessage) {
  const match = STAMP.exec(event.data);
  if (!match) return;
  const at = now();
  if (count === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2);
    bigger.set(latencies);
    latencies = bigger;
  }
  latencies[count++] = at - Number(match[1]);
  if (at < firstAt) firstAt = at;
  lastAt = at;
}

/** A Socket.IO client: resolves on the server's `connected` (it joined the room); its `notification`s are timed as SSE events are. */
function openSocketIo(stream: StreamState): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = io(stream.url, { transports: ["websocket"], forceNew: true, reconnection: false, timeout: OPEN_TIMEOUT_MS });
    let settled = false;
    sockets.add(socket);
    socket.on("connected", () => {
      settled = true;
      resolve();
    });
    socket.on("notification", (message: { id: number; data: string }) => record({ data: message.data, event: "notification", id: String(message.id) }));
    socket.on("connect_error", (error) => {
      sockets.delete(socket);
      if (!settled) reject(new Error(`${stream.url}: ${error.message}`));
    });
    socket.on("disconnect", (reason) => {
      sockets.delete(socket);
      if (!settled) return reject(new Error(`${stream.url}: disconnected before its first event (${reason})`));
      if (closing) return;
      ended++;
      if (endedSamples.length < 3) endedSamples.push(`${new URL(stream.url).port}: socket.io ${reason}`);
    });
  });
}

/** Opens one stream; resolves once its first bytes arrive (the server has it registered), rejects otherwise. */
function open(stream: StreamState, headers: Record<string, string> = stream.headers): Promise<void> {
  const url = stream.url;
  if (url.startsWith("ws://")) return openSocketIo(stream);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => {
      settle(new Error(`${url}: no first event within ${OPEN_TIMEOUT_MS / 1000} s`));
      req.destroy();
    }, OPEN_TIMEOUT_MS);
    const req = http.get(url, { agent, headers: { accept: "text/event-stream", ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        requests.delete(req);
        return settle(new Error(`${url} answered ${res.statusCode}`));
      }
      const openedAt = now();
      let lastEvent = "";
      let error = "";
      const parser = createParser({
        onEvent: (event) => {
          lastEvent = event.event ?? "message";
          record(event);
          // Only the product's ids resume a stream; the other systems number their events as they like.
          if (event.id && isNotificationId(event.id)) onNotification(stream, event.id);
        },
      });
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        parser.feed(chunk);
        settle();
      });
      res.on("error", (e) => (error = e.message));
      res.on("close", () => {
        requests.delete(req);
        if (settled && !closing) {
          ended++;
          if (storm.on) {
            storm.down++;
            comeBack(stream);
          }
          if (endedSamples.length < 3) {
            endedSamples.push(`${new URL(url).port}: after ${Math.round((now() - openedAt) / 1000)} s, last event "${lastEvent}"${res.complete ? ", response complete" : ""}${error ? `, ${error}` : ""}`);
          }
        }
        settle(new Error(`${url}: stream ended before its first event`));
      });
    });
    req.on("error", (error) => {
      requests.delete(req);
      settle(error);
    });
    requests.add(req);
  });
}

async function openMany(urls: string[], headers: Record<string, string>, total: number, inflight: number) {
  let next = 0;
  let opened = 0;
  let failures = 0;
  let firstError: string | null = null;
  closing = false;
  await Promise.all(
    Array.from({ length: Math.min(inflight, total) }, async () => {
      while (next < total) {
        const i = next++;
        try {
          const stream: StreamState = { url: urls[i % urls.length]!, headers, lastId: null, distinct: 0 };
          await open(stream);
          streams.push(stream);
          opened++;
        } catch (error) {
          failures++;
          firstError ??= (error as Error).message;
        }
      }
    }),
  );
  return { opened, failures, firstError };
}

function reply(message: Reply, transfer: ArrayBuffer[] = []) {
  port.postMessage(message, transfer);
}

port.on("message", async (message: Command) => {
  switch (message.cmd) {
    case "open": {
      const result = await openMany(message.urls, message.headers, message.count, message.inflight);
      return reply({ id: message.id, type: "opened", ...result });
    }
    case "collect": {
      const out = latencies.slice(0, count);
      const elu = performance.eventLoopUtilization();
      reply({ id: message.id, type: "collected", latencies: out, firstAt, lastAt, ended, endedSamples, eluActive: elu.active, eluIdle: elu.idle }, [out.buffer]);
      endedSamples = [];
      count = 0;
      firstAt = Infinity;
      lastAt = 0;
      ended = 0;
      return;
    }
    case "storm-start": {
      Object.assign(storm, { on: true, down: 0, reopened: 0, lastReopenAt: 0, duplicates: 0 });
      reconnectSlots = message.inflight;
      waitingToReconnect.length = 0;
      for (const stream of streams) stream.distinct = 0;
      return reply({ id: message.id, type: "storm", ...storm, distinct: new Int32Array() });
    }
    case "storm-report": {
      const distinct = Int32Array.from(streams, (s) => s.distinct);
      const { down, reopened, lastReopenAt, duplicates } = storm;
      return reply({ id: message.id, type: "storm", down, reopened, lastReopenAt, duplicates, distinct }, [distinct.buffer]);
    }
    case "close": {
      closing = true;
      storm.on = false;
      streams.length = 0;
      const closed = [...requests].map((req) => new Promise((resolve) => (req.destroyed ? resolve(null) : req.once("close", resolve))));
      for (const req of requests) req.destroy();
      for (const socket of sockets) socket.close();
      sockets.clear();
      await Promise.all(closed);
      requests.clear();
      return reply({ id: message.id, type: "closed" });
    }
  }
});
