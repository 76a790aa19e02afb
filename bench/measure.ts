// What the benchmark reads off processes and Redis: CPU and memory from /proc,
// command counts and pub/sub clients from redis-server.
import { readdirSync, readFileSync } from "node:fs";
import IORedis from "ioredis";

const TICKS_PER_SECOND = 100;

function children(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** The process and all its descendants. */
export function processTree(pids: number[]): number[] {
  const all = new Set<number>();
  const queue = [...pids];
  while (queue.length) {
    const pid = queue.pop()!;
    if (all.has(pid)) continue;
    all.add(pid);
    queue.push(...children(pid));
  }
  return [...all];
}

/** CPU seconds (user + system) used so far by these processes and their descendants. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of processTree(pids)) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** Resident memory in bytes of these processes and their descendants. */
export function rssBytes(pids: number[]): number {
  let kb = 0;
  for (const pid of processTree(pids)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb * 1024;
}

export class RedisMeter {
  private readonly redis: IORedis;
  constructor(url: string) {
    this.redis = new IORedis(url);
  }
  async reset() {
    await this.redis.config("RESETSTAT");
  }
  /** Commands executed since reset, without the meter's own INFO and CONFIG. */
  async commands(): Promise<number> {
    const info = await this.redis.info("commandstats");
    let total = 0;
    for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (!["info", "config"].includes(m[1]!)) total += Number(m[2]);
    return total;
  }
  async subscriberConnections(): Promise<number> {
    const list = (await this.redis.call("CLIENT", "LIST")) as string;
    return list.split("\n").filter((l) => / sub=[1-9]| psub=[1-9]/.test(l)).length;
  }
  async flush() {
    await this.redis.flushall();
  }
  close() {
    this.redis.disconnect();
  }
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
