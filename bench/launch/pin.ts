// CPU pinning with taskset, as docs/benchmark.md describes: servers on one core, the load generator on the other.
import { spawnSync } from "node:child_process";
import os from "node:os";
import { processTree } from "../measure/proc";

export const CORES = os.cpus().length;
/** With two or more cores: servers on core 0, the load generator (and Redis, the endpoint) on core 1. */
export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

/** Pins the processes, their descendants and all their threads to one core; a no-op on one core or without taskset. */
export function pinToCore(pids: number[], core: number): boolean {
  if (CORES < 2) return false;
  let ok = true;
  for (const pid of processTree(pids)) {
    ok = spawnSync("taskset", ["-a", "-cp", String(core), String(pid)], { stdio: "ignore" }).status === 0 && ok;
  }
  return ok;
}
