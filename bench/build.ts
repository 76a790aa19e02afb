// Production builds for the product and the bench-only Next apps, skipped while .next/BUILD_ID is newer than every source.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** Newest mtime under `p` (files and folders, recursively), leaving out build output and dependencies. */
function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(p)) {
    if (entry === ".next" || entry === "node_modules" || entry === ".git") continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

export const PRODUCT_SOURCES = ["app", "components", "hooks", "lib", "types", "public", "proxy.ts", "instrumentation.ts", "next.config.mjs", "postcss.config.mjs", "tsconfig.json", "package.json"];
export const BENCH_APP_SOURCES = ["app", "next.config.mjs", "tsconfig.json"];

/** Whether `dir` has a build newer than its sources. */
function isBuildFresh(dir: string, sources: string[]): boolean {
  const buildId = path.join(dir, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return false;
  return statSync(buildId).mtimeMs > Math.max(...sources.map((s) => newestMtime(path.join(dir, s))));
}

/** Runs `next build` in `dir` unless its build is fresh (or `skip`); returns whether it built. */
export function ensureBuilt(root: string, dir: string, sources: string[], skip: boolean): boolean {
  if (skip) {
    if (!existsSync(path.join(dir, ".next", "BUILD_ID"))) throw new Error(`--no-build, but ${dir} has no build`);
    return false;
  }
  if (isBuildFresh(dir, sources)) return false;
  console.log(`› next build in ${path.relative(root, dir) || "."}`);
  const started = Date.now();
  execFileSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
    cwd: dir,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    timeout: 15 * 60_000,
  });
  console.log(`  built in ${Math.round((Date.now() - started) / 1000)} s`);
  return true;
}
