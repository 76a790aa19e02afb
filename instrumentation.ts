// Runs once when a server instance starts: a production start whose settings
// are unsafe stops with a message saying why, and the instance learns to shut
// down gracefully (lib/server/shutdown.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs" && process.env.NEXT_PHASE !== "phase-production-build") {
    const { refuseUnsafeProductionStart } = await import("./lib/server/startup-check");
    refuseUnsafeProductionStart();
    const { installShutdownHandlers } = await import("./lib/server/shutdown");
    installShutdownHandlers();
    const { stampPeerAddress } = await import("./lib/server/peer-address");
    stampPeerAddress();
  }
}
