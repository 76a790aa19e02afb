// The systems under test, each started the same way: where clients stream
// from, how to publish one event, and which processes are the server.
import { spawn } from "node:child_process";
import path from "node:path";
import { startNextServer, type NextServer } from "../testing/next-server";
import { freePort } from "../testing/ports";
import { signInCookie } from "../testing/session";

export interface RunningSystem {
  streamUrls: string[];
  streamHeaders: Record<string, string>;
  publish(stamp: number): Promise<void>;
  /** The server processes whose CPU and memory are measured. */
  pids: number[];
  instances: number;
  stop(): Promise<void>;
}

export interface SystemContext {
  root: string;
  productDir: string;
  upstash: { url: string; token: string };
}

export const SYSTEMS = ["floor", "minimal-next", "express", "upstash-realtime", "product-embedded", "product-upstash"] as const;
export type SystemName = (typeof SYSTEMS)[number];

const PAD = "x".repeat(150);
const PRODUCT_ENV = {
  MAX_CONNECTIONS_PER_USER: "1000000",
  RATE_CONNECT_PER_MIN: "100000000",
  RATE_PUBLISH_PER_MIN: "100000000",
  RATE_SIGNIN_PER_MIN: "100000",
  SSE_HEARTBEAT_MS: "15000",
};

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  if (res.status !== 201) throw new Error(`publish to ${url} answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

async function plainNode(script: string): Promise<RunningSystem> {
  const port = await freePort();
  const child = spawn(process.execPath, [script], { env: { ...process.env, PORT: String(port) }, stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await fetch(`${url}/`);
      break;
    } catch {
      if (i > 200) throw new Error(`${script} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    streamUrls: [`${url}/events`],
    streamHeaders: {},
    publish: (t) => post(`${url}/publish`, JSON.stringify({ t, pad: PAD })),
    pids: [child.pid!],
    instances: 1,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

function fromNext(server: NextServer, streamPath: string, publishPath: string): RunningSystem {
  return {
    streamUrls: [`${server.url}${streamPath}`],
    streamHeaders: {},
    publish: (t) => post(`${server.url}${publishPath}`, JSON.stringify({ t, pad: PAD })),
    pids: [server.process.pid!],
    instances: 1,
    stop: () => server.stop(),
  };
}

async function product(context: SystemContext, instances: number): Promise<RunningSystem> {
  const env = instances > 1 ? { ...PRODUCT_ENV, UPSTASH_REDIS_REST_URL: context.upstash.url, UPSTASH_REDIS_REST_TOKEN: context.upstash.token } : PRODUCT_ENV;
  const servers = await Promise.all(
    Array.from({ length: instances }, (_, i) => startNextServer({ ...env, INSTANCE_ID: `bench-${i}` }, { cwd: context.productDir })),
  );
  const publisher = servers[0]!;
  const admin = await signInCookie(publisher.url, "admin@example.com");
  const member = await signInCookie(publisher.url, "alice@example.com");
  return {
    streamUrls: servers.map((s) => `${s.url}/api/events`),
    streamHeaders: { cookie: member },
    publish: (t) => post(`${publisher.url}/api/notifications`, JSON.stringify({ title: "bench", body: String(t) }), { cookie: admin, origin: publisher.url }),
    pids: servers.map((s) => s.process.pid!),
    instances,
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}

export async function startSystem(name: SystemName, context: SystemContext): Promise<RunningSystem> {
  const apps = path.join(context.root, "bench", "apps");
  switch (name) {
    case "floor":
      return plainNode(path.join(context.root, "bench/systems/floor.mjs"));
    case "express":
      return plainNode(path.join(context.root, "bench/systems/express.mjs"));
    case "minimal-next":
      return fromNext(await startNextServer({}, { cwd: path.join(apps, "minimal-next"), expectHealthy: false }), "/api/events", "/api/publish");
    case "upstash-realtime":
      return fromNext(
        await startNextServer({ UPSTASH_REDIS_REST_URL: context.upstash.url, UPSTASH_REDIS_REST_TOKEN: context.upstash.token }, { cwd: path.join(apps, "upstash-realtime"), expectHealthy: false }),
        "/api/realtime?channel=default",
        "/api/publish",
      );
    case "product-embedded":
      return product(context, 1);
    case "product-upstash":
      return product(context, 2);
  }
}
