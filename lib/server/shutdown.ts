// What an instance does when it is told to stop (SIGTERM from Vercel at
// scale-down, Kubernetes or systemd at a deploy; SIGINT at Ctrl-C). Next's
// own handler closes the listener and exits once every connection has ended,
// which an open stream never does by itself: so every task registered here
// (the hub's: stop admitting, end each stream with `reconnect`, free its
// slots and presence) runs at once, and the process exits within the
// deadline whatever its clients do. Kept free of "server-only": instrumentation.ts
// installs the handlers, and its bundle shares this state with the routes'
// only through globalThis.
import { log } from "./log";
const SHUTDOWN_KEY = Symbol.for("notifications.shutdown");

/** The contract's 10 s, less a margin for a busy machine: platforms give 10 s or more between SIGTERM and SIGKILL. */
export const SHUTDOWN_DEADLINE_MS = 8_000;

interface ShutdownState {
  startedAt: number | null;
  tasks: Set<() => Promise<void>>;
}

function state(): ShutdownState {
  const g = globalThis as typeof globalThis & { [SHUTDOWN_KEY]?: ShutdownState };
  return (g[SHUTDOWN_KEY] ??= { startedAt: null, tasks: new Set() });
}

/** True from the signal on: new streams are refused and health says so. */
export function isShuttingDown() {
  return state().startedAt !== null;
}

/** Runs `task` when the instance is told to stop. */
export function onShutdown(task: () => Promise<void>) {
  state().tasks.add(task);
}

export function installShutdownHandlers() {
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void shutDown(signal));
}

async function shutDown(signal: "SIGTERM" | "SIGINT") {
  const current = state();
  if (current.startedAt !== null) return;
  current.startedAt = Date.now();
  log().info({ component: "shutdown" }, `${signal}: refusing new streams, ending open ones with reconnect; exiting within ${SHUTDOWN_DEADLINE_MS / 1000} s`);
  // The exit codes a signal would give, as Next's own handler uses.
  const exit = () => process.exit(signal === "SIGINT" ? 130 : 143);
  setTimeout(exit, SHUTDOWN_DEADLINE_MS);
  const results = await Promise.allSettled([...current.tasks].map((task) => task()));
  for (const result of results) if (result.status === "rejected") log().error({ component: "shutdown" }, `a task failed: ${(result.reason as Error).message}`);
}
