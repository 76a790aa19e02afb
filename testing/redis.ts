// A throwaway redis-server (Debian's) on a free port with its data in a temp
// folder, for tests and benchmarks. stop()/start() keep the port and the data,
// so a test can take Redis away for a while and bring it back.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type IORedis from "ioredis";
import { freePort } from "./ports";

export interface RedisServer {
  url: string;
  port: number;
  /** The running redis-server's process id (null while stopped), to measure its CPU. */
  readonly pid: number | null;
  /** Stops the server; data written so far is kept on disk (append-only file). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  destroy(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(port, "127.0.0.1");
    socket.once("error", () => resolve(false));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.write("PING\r\n");
  });
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "redis-test-"));
  let child: ChildProcess | null = null;

  async function start() {
    const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always"], {
      stdio: "ignore",
    });
    child = proc;
    const failed = new Promise<never>((_, reject) => {
      proc.once("error", (e: NodeJS.ErrnoException) =>
        reject(e.code === "ENOENT" ? new Error("redis-server was not found: install Debian's redis-server package (apt-get install redis-server).") : e),
      );
    });
    const ready = (async () => {
      for (let i = 0; i < 200; i++) {
        if (await ping(port)) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`redis-server did not answer on port ${port}`);
    })();
    await Promise.race([ready, failed]);
  }

  async function stop() {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    await exited;
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid ?? null;
    },
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Connections in pub/sub mode (CLIENT LIST: a channel, pattern or shard subscription, or flag P). */
export async function subscribedConnections(redis: IORedis): Promise<number> {
  const list = (await redis.call("CLIENT", "LIST")) as string;
  return list.split("\n").filter((line) => / (?:sub|psub|ssub)=[1-9]/.test(line) || / flags=\w*P/.test(line)).length;
}
