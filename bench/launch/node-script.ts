// Starts a bench-only node:http/Express/Socket.IO server script (TypeScript, run through tsx's CommonJS hook)
// on free ports: one instance, or several sharing `env` (the socketio-redis peer's two on one Redis).
import { spawnNode, waitUntilAnswering, type LoggedChild } from "../../testing/child-process";
import { freePort } from "../../testing/ports";
import { PAD, postJson, type RunningSystem, type ServerNode } from "./types";

interface ScriptOptions {
  env?: Record<string, string>;
  instances?: number;
  /** Socket.IO clients connect to ws:// URLs (the load generator picks its client by the scheme). */
  socketIo?: boolean;
}

export async function startNodeScript(file: string, { node, nodeFlags }: ServerNode, { env = {}, instances = 1, socketIo = false }: ScriptOptions = {}): Promise<RunningSystem> {
  const children: { child: LoggedChild; url: string }[] = [];
  const stop = async () => {
    await Promise.all(children.map(({ child }) => child.stop()));
  };
  try {
    for (let i = 0; i < instances; i++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const child = spawnNode([...nodeFlags, "--require", require.resolve("tsx/cjs"), file], { node, env: { ...process.env, ...env, PORT: String(port), NODE_ENV: "production" } });
      children.push({ child, url });
      await waitUntilAnswering(child, `${url}/`, { name: file, timeoutMs: 15_000, intervalMs: 50 });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const first = children[0]!.url;
  return {
    streamUrls: children.map(({ url }) => (socketIo ? url.replace("http://", "ws://") : `${url}/events`)),
    streamHeaders: {},
    publish: (t) => postJson(`${first}/publish`, { t, pad: PAD }),
    pids: children.map(({ child }) => child.process.pid!),
    instances,
    usesRedis: env.REDIS_URL !== undefined,
    output: () => children.map(({ child }) => child.output()),
    stop,
  };
}
