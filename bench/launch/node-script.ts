// Starts a bench-only node:http/Express server script (TypeScript, run through tsx's CommonJS hook) on a free port.
import { spawn } from "node:child_process";
import { freePort } from "../../testing/ports";
import { PAD, postJson, type RunningSystem } from "./types";

export async function startNodeScript(file: string): Promise<RunningSystem> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = "";
  const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), file], {
    env: { ...process.env, PORT: String(port), NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${file} exited (${child.exitCode}):\n${log}`);
    try {
      await (await fetch(`${url}/`)).arrayBuffer();
      break;
    } catch {
      if (i > 300) {
        await stop();
        throw new Error(`${file} did not listen on ${url}:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    streamUrls: [`${url}/events`],
    streamHeaders: {},
    publish: (t) => postJson(`${url}/publish`, { t, pad: PAD }),
    pids: [child.pid!],
    instances: 1,
    usesRedis: false,
    output: () => [log],
    stop,
  };
}
