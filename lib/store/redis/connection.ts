// The one connection every Redis-backed concern shares: it counts round
// trips, turns any failure into BackendUnavailableError, and sends control
// messages on the bus.
import { BackendUnavailableError } from "../../server/errors";
import { metrics } from "../../server/metrics";
import type { ControlMessage } from "../bus/types";
import type { RedisBatch, RedisClient } from "./client";
import { KEY } from "./keys";

/** HMGET as a plain list (the REST client turns HMGET's reply into an object); callers send at most HMGET_MAX fields. */
const HMGET_SCRIPT = `return redis.call('HMGET', KEYS[1], unpack(ARGV))`;
const HMGET_MAX = 1_000;
/** MGET as a script: one billed command, and a plain list from either client. */
const MGET_SCRIPT = `return redis.call('MGET', unpack(KEYS))`;
/** SMEMBERS of each key as a script: one billed command. */
const SMEMBERS_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do out[i] = redis.call('SMEMBERS', key) end
return out`;
/** Keys a per-key script takes at once (Lua's unpack and tables have limits). */
const KEYS_MAX = 1_000;

export class RedisConnection {
  private trips = 0;
  private commands = 0;
  /**
   * This process among all that ever ran: an instance id may be reused by
   * the next process (a restarted pod), whose liveness must not keep the dead
   * one's stream slots counting.
   */
  private readonly boot = crypto.randomUUID().slice(0, 8);

  constructor(readonly client: RedisClient) {}

  get roundTrips() {
    return this.trips;
  }

  /** Commands sent, as Upstash bills them: each of a pipeline or transaction, a script as one. */
  get commandsSent() {
    return this.commands;
  }

  /** The replies of one round trip of commands. */
  run(build: (batch: RedisBatch) => RedisBatch, atomic = false): Promise<unknown[]> {
    this.trips++;
    const batch = build(this.client.batch(atomic));
    this.commands += batch.size;
    return this.call(() => batch.exec());
  }

  /** The reply of a round trip of one command. */
  async one<T = unknown>(build: (batch: RedisBatch) => RedisBatch): Promise<T> {
    return (await this.run(build))[0] as T;
  }

  /** A call that is not a batch (a library's own commands: @upstash/ratelimit's one script), counted as one round trip of one command. */
  counted<T>(fn: () => Promise<T>): Promise<T> {
    this.trips++;
    this.commands++;
    return this.call(fn);
  }

  async sendControl(message: ControlMessage) {
    await this.run((b) => b.publish(KEY.bus, JSON.stringify(message)));
  }

  /** The fields of a hash that are set, HMGET_MAX at a time. */
  async hmget(key: string, fields: string[]) {
    const found = new Map<string, string>();
    for (let i = 0; i < fields.length; i += HMGET_MAX) {
      const chunk = fields.slice(i, i + HMGET_MAX);
      const values = await this.one<(string | null)[]>((b) => b.eval(HMGET_SCRIPT, [key], chunk));
      chunk.forEach((field, j) => values[j] && found.set(field, values[j]));
    }
    return found;
  }

  /** The value of each key (null where none), KEYS_MAX keys a command. */
  mget(keys: string[]): Promise<(string | null)[]> {
    return this.perKey<string | null>(MGET_SCRIPT, keys);
  }

  /** The members of each set (empty where none), KEYS_MAX keys a command. */
  smembersOf(keys: string[]): Promise<string[][]> {
    return this.perKey<string[]>(SMEMBERS_SCRIPT, keys);
  }

  processId(instanceId: string) {
    return `${instanceId}~${this.boot}`;
  }

  /** A script answering one value per key, run over KEYS_MAX keys at a time: the answers in the keys' order. */
  private async perKey<T>(script: string, keys: string[]): Promise<T[]> {
    const answers: T[] = [];
    for (let i = 0; i < keys.length; i += KEYS_MAX) answers.push(...(await this.one<T[]>((b) => b.eval(script, keys.slice(i, i + KEYS_MAX), []))));
    return answers;
  }

  /**
   * Runs a Redis call; any failure becomes BackendUnavailableError (a 503 with
   * Retry-After for the client). Matching messages for "unreachable" missed
   * some of what a dying Redis says through the REST endpoint (a publish was
   * answered 500); whatever the cause, the store failed and a retry may work.
   */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    const timer = metrics().storeLatency.startTimer();
    try {
      return await fn();
    } catch (error) {
      metrics().storeErrors.inc();
      // The message only: a bundled class name says nothing ("r: Reached the max retries").
      throw new BackendUnavailableError((error as Error).message);
    } finally {
      timer();
    }
  }
}

/** HGETALL without the client's deserialisation answers a flat [field, value, …] list. */
export function hashOf(raw: unknown): Record<string, string> {
  if (!Array.isArray(raw)) return (raw ?? {}) as Record<string, string>;
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) out[String(raw[i])] = String(raw[i + 1]);
  return out;
}
