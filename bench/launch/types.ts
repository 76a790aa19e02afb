// What every system under test looks like once started: where clients stream from, how to publish, which processes to measure.
import type { Publish } from "../load/publisher";
import type { Screen } from "../measure/time-to-screen";
import type { Runtime } from "../runtimes";

export const SYSTEMS = [
  "floor",
  "floor-batched",
  "minimal-next",
  "express",
  "better-sse",
  "upstash-realtime",
  "socketio-redis",
  "product-embedded",
  "product-upstash",
  "product-redis",
] as const;
export type SystemName = (typeof SYSTEMS)[number];

export interface RunningSystem {
  /** Each stream goes to streamUrls[i % length]: two entries for two instances. */
  streamUrls: string[];
  streamHeaders: Record<string, string>;
  publish: Publish;
  /** The server processes (their descendants are summed in): the ones that listen and do the work. */
  pids: number[];
  instances: number;
  /** Whether the system talks to the shared Redis (through the local Upstash endpoint). */
  usesRedis: boolean;
  /** What each server process printed so far (kept when a run goes wrong). */
  output(): string[];
  stop(): Promise<void>;
  /** The product's reconnect storm (other systems have no resume by id, so no storm is measured for them). */
  storm?: Storm;
  /** The product's dashboard, for a Chromium page among the N streams (time to screen). */
  screen?: Screen;
  /** Round trips all instances made to Redis so far, less those of asking (the product in a Redis-backed mode). */
  storeRoundTrips?: () => Promise<number>;
  /** The product's history page, for measure/history-page.ts. */
  history?: HistoryProbe;
}

export interface HistoryProbe {
  /** One newest page of a sparse person's history (fails unless 200). */
  page(): Promise<void>;
  /** Stores `count` notifications, all but a few to a channel that person does not follow (the few to them directly). */
  fill(count: number): Promise<void>;
  roundTrips?: () => Promise<number>;
  /** Commands sent to Redis so far, as Upstash bills them (each of a pipeline, a script as one), less those of asking. */
  commands?: () => Promise<number>;
  /** The first server's heap in bytes after a full garbage collection. */
  heapAfterGc(): Promise<number>;
  /** That person's dashboard: where the time to first card is measured. */
  dashboard: Screen;
}

export interface Storm {
  /** Cuts streams at once: embedded ends every stream (diagnostics), a Redis-backed cluster restarts its first instance. */
  trigger(): Promise<void>;
  /** How many of N streams the trigger cuts. */
  affected(n: number): number;
  /** Publishes through an instance that stays up. */
  publish: Publish;
}

export interface LaunchContext {
  root: string;
  /** The Node the servers run on. */
  node: Runtime;
  /**
   * Node flags every server starts with, whichever the system: the product's own (its `npm start`)
   * unless --node-flags says otherwise, so a flag never counts for one system only.
   */
  nodeFlags: string[];
  /** --instances: a product cluster's size, or null for the default (2, or 4 past 5,000 streams). */
  clusterInstances: number | null;
  productDir: string;
  /** The local Upstash-compatible endpoint, when a system needs it. */
  upstash: () => Promise<{ url: string; token: string }>;
  /** The redis-server behind it, for Redis mode. */
  redisUrl: () => Promise<string>;
}

/** Which Node binary starts a server, with which flags (named as startNextServer's options). */
export interface ServerNode {
  node: string;
  nodeFlags: string[];
}

export function serverNodeOf(context: LaunchContext): ServerNode {
  return { node: context.node.path, nodeFlags: context.nodeFlags };
}

/**
 * A filler that brings the bench's own events to about the size of the product's notification JSON
 * (~200 bytes of data, as the ~220-byte events of docs/benchmark.md).
 */
export const PAD = "x".repeat(170);

/** A publish still unanswered after this counts as failed (a saturated server may queue it for long). */
export const PUBLISH_TIMEOUT_MS = 120_000;

/** POST JSON and expect 201 (as every system's publish endpoint answers), or `status`. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}, status = 201) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(PUBLISH_TIMEOUT_MS),
  });
  const text = await res.text();
  if (res.status !== status) throw new Error(`POST ${url} answered ${res.status}: ${text.slice(0, 200)}`);
}
