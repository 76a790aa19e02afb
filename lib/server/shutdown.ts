// What an instance does when it is told to stop (SIGTERM from Vercel at
// scale-down, Kubernetes or systemd at a deploy; SIGINT at Ctrl-C). From the
// signal on, health answers not-ready. For the drain (SHUTDOWN_DRAIN_MS, 0 by
// default) the instance still serves everything, streams too, so that a proxy
// that checks health stops sending to it before its listener closes (closing
// it resets the connections not yet accepted, docs/self-hosting.md). Then
// Next's own handler closes the listener, waits for the requests it has read
// and exits, while every task registered here (the hub's: stop admitting, end
// each stream with `reconnect`, free its slots and presence) runs: the
// streams reconnect to a listener that is gone, which a proxy retries on
// another instance. The process exits within the deadline whatever its
// clients do. Kept free of "server-only": instrumentation.ts installs the
// handlers, and its bundle shares this state with the routes' only through
// globalThis.
import { log } from "./log";
const SHUTDOWN_KEY = Symbol.for("notifications.shutdown");

/** The contract's 10 s, less a margin for a busy machine: platforms give 10 s or more between SIGTERM and SIGKILL. */
export const SHUTDOWN_DEADLINE_MS = 8_000;

interface ShutdownState {
  /** The signal came: not ready. */
  startedAt: number | null;
  /** The drain is over: the listener closes and streams are refused. */
  closing: boolean;
  tasks: Set<() => Promise<void>>;
}

function state(): ShutdownState {
  const g = globalThis as typeof globalThis & { [SHUTDOWN_KEY]?: ShutdownState };
  return (g[SHUTDOWN_KEY] ??= { startedAt: null, closing: false, tasks: new Set() });
}

/** True from the signal on: health answers not-ready. */
export function isShuttingDown() {
  return state().startedAt !== null;
}

/** True once the drain is over: new streams are refused. */
export function isClosing() {
  return state().closing;
}

/** Runs `task` when the instance is told to stop. */
export function onShutdown(task: () => Promise<void>) {
  state().tasks.add(task);
}

/**
 * Takes over the signals from Next's own handlers (bin/next start installs
 * them before instrumentation.ts runs) so that they run after the drain.
 */
export function installShutdownHandlers(drainMs: number) {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    const closeServer = process.listeners(signal);
    for (const listener of closeServer) process.removeListener(signal, listener);
    process.once(signal, () => void shutDown(signal, drainMs, () => closeServer.forEach((listener) => listener(signal))));
  }
}

async function shutDown(signal: "SIGTERM" | "SIGINT", drainMs: number, closeServer: () => void) {
  const current = state();
  if (current.startedAt !== null) return;
  current.startedAt = Date.now();
  log().info({ component: "shutdown" }, `${signal}: not ready; in ${drainMs} ms refusing new streams, ending open ones with reconnect and closing the listener; exiting within ${SHUTDOWN_DEADLINE_MS / 1000} s`);
  // The exit codes a signal would give, as Next's own handler uses.
  const exit = () => process.exit(signal === "SIGINT" ? 130 : 143);
  setTimeout(exit, SHUTDOWN_DEADLINE_MS);
  if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs));
  current.closing = true;
  closeServer();
  const results = await Promise.allSettled([...current.tasks].map((task) => task()));
  for (const result of results) if (result.status === "rejected") log().error({ component: "shutdown" }, `a task failed: ${(result.reason as Error).message}`);
}
