// Preloaded into each server by --cpu-prof (NODE_OPTIONS=--require): SIGUSR2 starts a V8 CPU profile, the next SIGUSR2 writes it.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import path from "node:path";

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  let running = false;
  let count = 0;
  process.on("SIGUSR2", () => {
    if (!running) {
      session.post("Profiler.enable");
      session.post("Profiler.setSamplingInterval", { interval: 500 });
      session.post("Profiler.start");
      running = true;
      return;
    }
    // Same-thread inspector sessions answer synchronously.
    session.post("Profiler.stop", (error, result) => {
      running = false;
      if (error) return;
      const file = path.join(dir, `CPU.${process.pid}.${++count}.cpuprofile`);
      writeFileSync(file, JSON.stringify(result.profile));
    });
  });
}
