// The --heap-snapshot option: servers take a V8 heap snapshot on SIGUSR2 (node --heapsnapshot-signal) into one folder;
// the bench takes one before connecting N streams and one after, then summarises the growth (heap-summary.ts).
import { execFileSync } from "node:child_process";
import { closeSync, openSync, readdirSync, readSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export function heapSnapshotEnv(dir: string): Record<string, string> {
  return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}`.trim() };
}

/** Whether a snapshot file is whole: its JSON closes with "}" and its size held still for a second. */
async function written(file: string) {
  const size = statSync(file).size;
  if (size === 0) return false;
  await sleep(1_000);
  if (statSync(file).size !== size) return false;
  const last = Buffer.alloc(16);
  const fd = openSync(file, "r");
  try {
    const read = readSync(fd, last, 0, last.length, Math.max(0, size - last.length));
    return last.subarray(0, read).toString().trimEnd().endsWith("}");
  } finally {
    closeSync(fd);
  }
}

/** Signals the server and waits until its snapshot is written; answers the file. */
export async function takeHeapSnapshot(dir: string, pid: number): Promise<string> {
  const existing = new Set(readdirSync(dir));
  process.kill(pid, "SIGUSR2");
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    await sleep(500);
    const file = readdirSync(dir).find((f) => f.endsWith(".heapsnapshot") && !existing.has(f));
    if (file && (await written(path.join(dir, file)))) return path.join(dir, file);
  }
  throw new Error(`no heap snapshot from pid ${pid} in ${dir} after 5 minutes`);
}

/** Summarises in a child process with room for the parsed snapshots; writes it beside them and answers it. */
export function summariseHeaps(dir: string, label: string, before: string, after: string, n: number): string {
  const summary = execFileSync(process.execPath, ["--max-old-space-size=12288", "--require", require.resolve("tsx/cjs"), path.join(__dirname, "heap-summary.ts"), before, after, String(n)], {
    encoding: "utf8",
    maxBuffer: 16 * 2 ** 20,
  });
  writeFileSync(path.join(dir, `${label}.md`), summary);
  return summary;
}
