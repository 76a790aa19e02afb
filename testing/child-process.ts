// A Node child process for tests, dev scripts and the benchmark: keeps what it
// prints, waits until it answers over HTTP, and stops it (SIGTERM, then SIGKILL
// if it lingers).
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

export interface LoggedChild {
  process: ChildProcess;
  /** Everything it printed on stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

const KILL_AFTER_MS = 5_000;

/** `node`: the binary (the benchmark runs servers on other Node versions too); this process's by default. */
export function spawnNode(args: string[], { node = process.execPath, ...options }: Pick<SpawnOptions, "cwd" | "env"> & { node?: string }): LoggedChild {
  return spawnLogged(node, args, options);
}

/** Any command (nginx, caddy), kept and stopped the same way. */
export function spawnLogged(command: string, args: string[], options: Pick<SpawnOptions, "cwd" | "env"> = {}): LoggedChild {
  let log = "";
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    process: child,
    output: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Polls `url` until `ready(response)`; throws with the child's output if it
 * exits first or the time runs out (and then stops it).
 */
export async function waitUntilAnswering(
  child: LoggedChild,
  url: string,
  { name, timeoutMs, intervalMs, ready = () => true }: { name: string; timeoutMs: number; intervalMs: number; ready?: (res: Response) => boolean },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${name} exited (${child.process.exitCode}):\n${child.output()}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (ready(res)) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  await child.stop();
  throw new Error(`${name} did not answer at ${url}:\n${child.output()}`);
}
