// A local endpoint that speaks the Upstash Redis REST protocol, as the official
// @upstash/redis client uses it, in front of a real redis-server: for
// development, tests and benchmarks where the Upstash cloud cannot be reached.
//   POST /                 one command as a JSON array        → {"result": …}
//   POST /pipeline         an array of commands                → [{"result"|"error"}, …]
//   POST /multi-exec       the same, atomically (MULTI/EXEC)
//   POST /subscribe/<ch>   text/event-stream: "data: subscribe,<ch>,1", "data: message,<ch>,<payload>"
//   POST /psubscribe/<p>   the same with "pmessage,<p>,<ch>,<payload>"
//   GET /_local/billing    this endpoint's own: the commands received as Upstash
//                          bills them (each of a pipeline or transaction, a
//                          script as one, a subscribe as one), by command and
//                          keys ("EVALSHA ntf:log ntf:aud:all #3"); ?reset=1 starts over
// Like the service, each subscribe stream holds its own Redis connection.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Redis from "ioredis";
import { scriptRewriter, type Command } from "../../lib/store/redis/script-flags";

export interface UpstashLocalOptions {
  redisUrl?: string;
  port?: number;
  token?: string;
}

export interface UpstashLocal {
  url: string;
  token: string;
  close(): Promise<void>;
}


type Reply = string | number | null | Reply[];

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Upstash's base64 mode: every string in a reply, at any depth, is base64 of its UTF-8. */
function encodeReply(value: Reply | Record<string, Reply>, base64: boolean): Reply {
  // ioredis answers HGETALL (even through call()) as an object; the wire format is a flat list.
  if (value !== null && typeof value === "object" && !Array.isArray(value)) value = Object.entries(value).flat();
  if (!base64) return value;
  if (typeof value === "string") return Buffer.from(value, "utf8").toString("base64");
  if (Array.isArray(value)) return value.map((v) => encodeReply(v, true));
  return value;
}

function isCommand(value: unknown): value is Command {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string" || typeof v === "number");
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : null;
}

/** How the billing tally names a command: its name and first key; a script's first two keys and its number of arguments ("#3"). */
function billedAs([name, ...args]: Command): string {
  const command = String(name).toUpperCase();
  if (command !== "EVAL" && command !== "EVALSHA") return [command, ...args.slice(0, 1)].join(" ");
  const keyCount = Number(args[1]);
  return [command, ...args.slice(2, 2 + Math.min(2, keyCount)), `#${args.length - 2 - keyCount}`].join(" ");
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

export async function startUpstashLocal(options: UpstashLocalOptions = {}): Promise<UpstashLocal> {
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const token = options.token ?? process.env.UPSTASH_LOCAL_TOKEN ?? "local-dev-token";
  // Commands fail at once while Redis is down (no offline queue), as the service would answer.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: false });
  redis.on("error", () => {}); // reported per request instead
  // Give Redis a moment to connect; if it is down the endpoint starts anyway and answers 503.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    redis.once("ready", () => (clearTimeout(timer), resolve()));
  });
  const subscribers = new Set<Redis>();
  const rewrite = scriptRewriter();
  const billed = new Map<string, number>();
  const bill = (what: string) => billed.set(what, (billed.get(what) ?? 0) + 1);

  async function run(commands: Command[], atomic: boolean): Promise<({ result: Reply } | { error: string })[]> {
    const batch = atomic ? redis.multi() : redis.pipeline();
    for (const [name, ...args] of commands.map(rewrite)) batch.call(String(name), ...args);
    const results = await batch.exec();
    if (!results) throw new Error("EXECABORT Transaction discarded");
    return results.map(([error, result]) => (error ? { error: error.message } : { result: (result ?? null) as Reply }));
  }

  function subscribe(req: IncomingMessage, res: ServerResponse, pattern: boolean, target: string) {
    bill(`${pattern ? "PSUBSCRIBE" : "SUBSCRIBE"} ${target}`);
    // One connection per stream, never re-established: a lost Redis ends the
    // stream, so the client knows to subscribe again and catch up.
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: 0, retryStrategy: () => null, autoResubscribe: false });
    subscribers.add(connection);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      subscribers.delete(connection);
      connection.disconnect();
      res.end();
    };
    connection.on("error", end);
    connection.on("end", end);
    res.on("close", end); // the client went away (req "close" fires once the request body is read)
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    connection.on("message", (channel: string, message: string) => res.write(`data: message,${channel},${message}\n\n`));
    connection.on("pmessage", (p: string, channel: string, message: string) => res.write(`data: pmessage,${p},${channel},${message}\n\n`));
    const subscribed = pattern ? connection.psubscribe(target) : connection.subscribe(target);
    subscribed.then(
      (count) => res.write(`data: ${pattern ? "psubscribe" : "subscribe"},${target},${count}\n\n`),
      end,
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (req.headers.authorization !== `Bearer ${token}`) return sendJson(res, 401, { error: "Unauthorized" });
    if (req.method !== "POST" && req.method !== "GET") return sendJson(res, 405, { error: "Method not allowed" });
    const [pathname, search] = (req.url ?? "/").split("?") as [string, string | undefined];
    const path = pathname.split("/").filter(Boolean).map(decodeURIComponent);
    if (req.method === "GET" && path[0] === "_local" && path[1] === "billing") {
      const commands = Object.fromEntries(billed);
      if (new URLSearchParams(search).get("reset") === "1") billed.clear();
      return sendJson(res, 200, { commands });
    }
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    if ((path[0] === "subscribe" || path[0] === "psubscribe") && path[1]) {
      req.resume();
      return subscribe(req, res, path[0] === "psubscribe", path.slice(1).join("/"));
    }
    const body = await readBody(req).catch((e: Error) => e);
    if (body instanceof Error) return sendJson(res, 400, { error: `ERR ${body.message}` });
    try {
      if (path.length === 0) {
        if (!isCommand(body)) return sendJson(res, 400, { error: "ERR the body must be a command array" });
        bill(billedAs(body));
        const [name, ...args] = rewrite(body);
        const result = (await redis.call(String(name), ...args)) as Reply;
        return sendJson(res, 200, { result: encodeReply(result, base64) });
      }
      if (path[0] === "pipeline" || path[0] === "multi-exec") {
        if (!Array.isArray(body) || !body.every(isCommand)) return sendJson(res, 400, { error: "ERR the body must be an array of commands" });
        for (const command of body) bill(billedAs(command));
        const results = await run(body, path[0] === "multi-exec");
        return sendJson(res, 200, results.map((r) => ("result" in r ? { result: encodeReply(r.result, base64) } : r)));
      }
      return sendJson(res, 404, { error: "ERR unknown endpoint" });
    } catch (error) {
      const message = (error as Error).message;
      // A Redis that cannot be reached is the service's problem (5xx); a bad command is the caller's (400).
      const unreachable = redis.status !== "ready" || /Connection|ECONNREFUSED|Stream isn't writeable/i.test(message);
      return sendJson(res, unreachable ? 503 : 400, { error: message.startsWith("ERR") ? message : `ERR ${message}` });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => sendJson(res, 500, { error: `ERR ${error.message}` }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? Number(process.env.UPSTASH_LOCAL_PORT ?? 8079), "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    async close() {
      for (const connection of subscribers) connection.disconnect();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}
