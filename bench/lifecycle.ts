// Keeps every run bounded: on a signal, an uncaught error or the overall deadline, stops the processes this run started.
import { setTimeout as sleep } from "node:timers/promises";
import { processTree } from "./measure/proc";

/** The processes this run started (its descendants): next start, node scripts, redis-server, the endpoint. */
function descendants(): number[] {
  return processTree([process.pid]).filter((pid) => pid !== process.pid);
}

function kill(pids: number[], signal: NodeJS.Signals) {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM to every descendant, then SIGKILL to those still there after `graceMs`. */
export async function stopDescendants(graceMs = 3_000) {
  const pids = descendants();
  if (!pids.length) return;
  kill(pids, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && descendants().length) await sleep(100);
  kill(descendants(), "SIGKILL");
}

/** Installs the signal handlers and a deadline after which the run gives up and cleans up. */
export function guardRun(deadlineMs: number) {
  const abort = (why: string, code: number) => {
    console.error(`\n${why}: stopping the servers this run started`);
    void stopDescendants().finally(() => process.exit(code));
  };
  process.once("SIGINT", () => abort("interrupted", 130));
  process.once("SIGTERM", () => abort("terminated", 143));
  const timer = setTimeout(() => abort(`the run passed its ${Math.round(deadlineMs / 60_000)}-minute limit`, 1), deadlineMs);
  timer.unref();
}
