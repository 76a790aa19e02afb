// Runs once when a server instance starts: a production start whose session
// secret is missing or a placeholder stops with a message saying why.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs" && process.env.NEXT_PHASE !== "phase-production-build") {
    const { refuseUnsafeProductionStart } = await import("./lib/startup-check");
    refuseUnsafeProductionStart();
  }
}
