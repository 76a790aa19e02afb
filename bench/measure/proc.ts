// CPU seconds and resident memory of server processes and their descendants, read from /proc (Linux).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

function allPids(): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

/** The processes and all their descendants (a `next start` may fork; its children do the work too). */
export function processTree(pids: number[]): number[] {
  const parentOf = new Map<number, number>();
  for (const pid of allPids()) {
    const fields = statFields(pid);
    if (fields) parentOf.set(pid, Number(fields[1]));
  }
  const tree = new Set(pids.filter((pid) => parentOf.has(pid)));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parentOf) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

/** utime + stime, in seconds, of these processes and their descendants. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of processTree(pids)) {
    const fields = statFields(pid);
    // Fields 14 and 15 of /proc/<pid>/stat (utime, stime); index 11 and 12 after the name.
    if (fields) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / TICKS_PER_SECOND;
}

/** Sum of VmRSS, in bytes, of these processes and their descendants. */
export function rssBytes(pids: number[]): number {
  let kb = 0;
  for (const pid of processTree(pids)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // ended meanwhile
    }
  }
  return kb * 1024;
}

/** CPU seconds of this whole process (all threads: the load generator's workers included). */
export function selfCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}
