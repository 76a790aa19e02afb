// Starts a production `next start` of this repo (built beforehand) on a free
// port, waits for /api/health, and stops it: used by the e2e setup, the
// integration tests and the benchmark.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { freePort } from "./ports";

export interface NextServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** What the server printed, for assertions on log lines and for debugging. */
  output(): string;
  stop(): Promise<void>;
}

export const TEST_SECRET = "test-secret-0123456789abcdef0123456789abcdef";
const ROOT = path.resolve(__dirname, "..");

export async function startNextServer(
  env: Record<string, string> = {},
  { port, cwd = ROOT, expectHealthy = true }: { port?: number; cwd?: string; expectHealthy?: boolean } = {},
): Promise<NextServer> {
  if (!existsSync(path.join(cwd, ".next", "BUILD_ID"))) throw new Error(`No production build in ${cwd}: run \`npx next build\` first.`);
  const chosen = port ?? (await freePort());
  const url = `http://127.0.0.1:${chosen}`;
  let log = "";
  const child = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(chosen)], {
    cwd,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXTAUTH_URL: url,
      NEXTAUTH_SECRET: TEST_SECRET,
      DEMO_USERS: "1",
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const server: NextServer = {
    url,
    port: chosen,
    process: child,
    output: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok || !expectHealthy) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await server.stop();
  throw new Error(`next start did not become healthy at ${url}:\n${log}`);
}
