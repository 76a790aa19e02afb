// What instrumentation.ts runs before the server is ready: settings that
// cannot work, or a production start that would be unsafe, stop the process
// with the reason and a non-zero exit, before Next prints "Ready".
import { loadConfig } from "./settings";
import { EMBEDDED_FORGETS, forgetsOnRestart, productionStartProblem } from "./startup-check";
import { log } from "./log";

export function refuseUnsafeStart() {
  const problem = productionStartProblem() ?? settingsProblem();
  if (problem) {
    log().error({ component: "startup" }, `Refusing to start: ${problem}`);
    process.exit(1);
  }
  if (forgetsOnRestart()) log().warn({ component: "startup" }, `${EMBEDDED_FORGETS}`);
}

function settingsProblem(): string | null {
  try {
    loadConfig();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
