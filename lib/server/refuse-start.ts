// What instrumentation.ts runs before the server is ready: settings that
// cannot work, or a production start that would be unsafe, stop the process
// with the reason and a non-zero exit, before Next prints "Ready".
import { loadConfig } from "./settings";
import { EMBEDDED_FORGETS, forgetsOnRestart, productionStartProblem } from "./startup-check";

export function refuseUnsafeStart() {
  const problem = productionStartProblem() ?? settingsProblem();
  if (problem) {
    console.error(`\n[startup] Refusing to start: ${problem}\n`);
    process.exit(1);
  }
  if (forgetsOnRestart()) console.warn(`[startup] ${EMBEDDED_FORGETS}`);
}

function settingsProblem(): string | null {
  try {
    loadConfig();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
