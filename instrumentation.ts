// Runs once when a server instance starts: settings that cannot work, or a
// production start that would be unsafe, stop it with a message saying why
// (lib/server/refuse-start.ts), and the instance learns to shut down
// gracefully (lib/server/shutdown.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs" && process.env.NEXT_PHASE !== "phase-production-build") {
    const { refuseUnsafeStart } = await import("./lib/server/refuse-start");
    refuseUnsafeStart();
    const [{ installShutdownHandlers }, { loadConfig }] = await Promise.all([import("./lib/server/shutdown"), import("./lib/server/settings")]);
    installShutdownHandlers(loadConfig().shutdownDrainMs);
    const { stampPeerAddress } = await import("./lib/server/peer-address");
    stampPeerAddress();
  }
}
