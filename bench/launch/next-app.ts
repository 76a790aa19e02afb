// Starts a bench-only Next app (bench/apps/<name>, built beforehand) with `next start` through the repo's test helper.
import path from "node:path";
import { startNextServer } from "../../testing/next-server";
import { PAD, postJson, type RunningSystem, type ServerNode } from "./types";

export async function startBenchApp(
  root: string,
  name: "minimal-next" | "upstash-realtime",
  env: Record<string, string>,
  streamPath: string,
  usesRedis: boolean,
  serverNode: ServerNode,
): Promise<RunningSystem> {
  const server = await startNextServer(env, { cwd: path.join(root, "bench", "apps", name), expectHealthy: false, ...serverNode });
  return {
    streamUrls: [`${server.url}${streamPath}`],
    streamHeaders: {},
    publish: (t) => postJson(`${server.url}/api/publish`, { t, pad: PAD }),
    pids: [server.process.pid!],
    instances: 1,
    usesRedis,
    output: () => [server.output()],
    stop: () => server.stop(),
  };
}
