// Reads redis-server's own counters: commands executed (INFO commandstats) and pub/sub connections (CLIENT LIST).
import IORedis from "ioredis";
import { subscribedConnections } from "../../testing/redis";

/** The meter's own commands, left out of the counts. */
const OWN_COMMANDS = new Set(["info", "config", "client", "ping"]);

export class RedisMeter {
  private readonly redis: IORedis;

  constructor(url: string) {
    this.redis = new IORedis(url, { maxRetriesPerRequest: 1 });
  }

  /** Upstash itself does not fsync every write; the throwaway test server does (appendfsync always). */
  async tuneForBenchmark() {
    await this.redis.config("SET", "appendfsync", "everysec");
  }

  /** CONFIG RESETSTAT: commandstats start from zero. */
  async reset() {
    await this.redis.config("RESETSTAT");
  }

  /** Sum of calls over INFO commandstats since the last reset (scripts' inner commands included). */
  async commands(): Promise<number> {
    const info = await this.redis.info("commandstats");
    let total = 0;
    for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (!OWN_COMMANDS.has(m[1]!.split("|")[0]!)) total += Number(m[2]);
    }
    return total;
  }

  /** Connections in pub/sub mode: CLIENT LIST lines with a subscription (sub, psub, ssub) or flag P. */
  subscriberConnections(): Promise<number> {
    return subscribedConnections(this.redis);
  }

  close() {
    this.redis.disconnect();
  }
}
