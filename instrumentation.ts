// Runs once when a server instance starts: refuse a production start whose
// session secret is missing or a placeholder, with a message saying why.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { productionStartProblem } = await import("./lib/startup-check");
  const problem = productionStartProblem();
  if (problem) {
    console.error(`\n[startup] Refusing to start: ${problem}\n`);
    process.exit(1);
  }
}
