// The --cpu-prof option: servers preload a profiler (compiled here from TypeScript) and profile exactly the burst.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { processTree } from "./proc";

export const PROFILED_PHASES = ["burst", "connect", "steady"] as const;
export type ProfiledPhase = (typeof PROFILED_PHASES)[number];

/** Compiles the preload into `dir` and returns the environment that makes every server started afterwards load it. */
export function profilingEnv(dir: string): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const source = readFileSync(path.join(__dirname, "cpu-profile-preload.ts"), "utf8");
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  const preload = path.join(dir, "preload.cjs");
  writeFileSync(preload, outputText);
  return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${preload}`.trim(), BENCH_CPU_PROF_DIR: dir };
}

/** Starts, or stops and writes, the profile in each server process (SIGUSR2). */
export function toggleProfiles(pids: number[]) {
  for (const pid of processTree(pids)) {
    try {
      process.kill(pid, "SIGUSR2");
    } catch {
      // gone
    }
  }
}
