// Starts a bench-only node:http/Express server script (TypeScript, run through tsx's CommonJS hook) on a free port.
import { spawnNode, waitUntilAnswering } from "../../testing/child-process";
import { freePort } from "../../testing/ports";
import { PAD, postJson, type RunningSystem, type ServerNode } from "./types";

export async function startNodeScript(file: string, { node, nodeFlags }: ServerNode): Promise<RunningSystem> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawnNode([...nodeFlags, "--require", require.resolve("tsx/cjs"), file], { node, env: { ...process.env, PORT: String(port), NODE_ENV: "production" } });
  await waitUntilAnswering(child, `${url}/`, { name: file, timeoutMs: 15_000, intervalMs: 50 });
  return {
    streamUrls: [`${url}/events`],
    streamHeaders: {},
    publish: (t) => postJson(`${url}/publish`, { t, pad: PAD }),
    pids: [child.process.pid!],
    instances: 1,
    usesRedis: false,
    output: () => [child.output()],
    stop: () => child.stop(),
  };
}
