// Starts a production `next start` of this repo (built beforehand) on a free
// port, waits for /api/health, and stops it: used by the e2e setup, the
// integration tests and the benchmark.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { spawnNode, waitUntilAnswering, type LoggedChild } from "./child-process";
import { freePort } from "./ports";

/** `output()` is what the server printed, for assertions on log lines and for debugging. */
export interface NextServer extends LoggedChild {
  url: string;
  port: number;
}

export const TEST_SECRET = "test-secret-0123456789abcdef0123456789abcdef";
const ROOT = path.resolve(__dirname, "..");

/**
 * The Node flags `npm start` gives the product's server (the `start` script of
 * `dir`'s package.json), so the tests and the benchmark start the server as
 * `npm start` does. A script of another shape fails loudly rather than
 * dropping what it adds.
 */
export function productNodeFlags(dir = ROOT): string[] {
  const start: string = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).scripts?.start ?? "";
  const flags = /^(?:exec )?node((?: --\S+)*) node_modules\/next\/dist\/bin\/next start -H 127\.0\.0\.1$/.exec(start);
  if (!flags) throw new Error(`${dir}/package.json's start script is not "[exec ]node [--flags] node_modules/next/dist/bin/next start -H 127.0.0.1": ${start}`);
  return flags[1]!.trim().split(" ").filter(Boolean);
}

export async function startNextServer(
  env: Record<string, string> = {},
  {
    port,
    cwd = ROOT,
    expectHealthy = true,
    node,
    nodeFlags = productNodeFlags(),
  }: { port?: number; cwd?: string; expectHealthy?: boolean; node?: string; nodeFlags?: string[] } = {},
): Promise<NextServer> {
  if (!existsSync(path.join(cwd, ".next", "BUILD_ID"))) throw new Error(`No production build in ${cwd}: run \`npx next build\` first.`);
  const chosen = port ?? (await freePort());
  const url = `http://127.0.0.1:${chosen}`;
  const child = spawnNode([...nodeFlags, path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(chosen)], {
    cwd,
    node,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXTAUTH_URL: url,
      NEXTAUTH_SECRET: TEST_SECRET,
      DEMO_USERS: "1",
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
  });
  await waitUntilAnswering(child, `${url}/api/health`, { name: "next start", timeoutMs: 60_000, intervalMs: 200, ready: (res) => res.ok || !expectHealthy });
  return { url, port: chosen, ...child };
}
