// Starts this product (`next start` of its production build): embedded (one instance), or Upstash or Redis
// mode (two instances on one Redis, four past 5,000 streams), with its reconnect storm and its Redis round-trip count.
import type { Stats } from "../../lib/shared/types";
import { startNextServer, TEST_SECRET, type NextServer } from "../../testing/next-server";
import { signInCookie } from "../../testing/session";
import { postJson, serverNodeOf, type LaunchContext, type RunningSystem } from "./types";

/** The bench's settings: limits out of the way, the contract's default heartbeat, diagnostics for the storm. */
const PRODUCT_ENV = {
  NEXTAUTH_SECRET: TEST_SECRET,
  DEMO_USERS: "1",
  MAX_CONNECTIONS_PER_USER: "100000",
  RATE_CONNECT_PER_MIN: "1000000",
  RATE_PUBLISH_PER_MIN: "1000000",
  SSE_HEARTBEAT_MS: "15000",
  DIAGNOSTICS: "1",
  // Room for the history-page measurement's 100,000 (measure/history-page.ts).
  HISTORY_MAX: "200000",
  RATE_HISTORY_PER_MIN: "1000000",
};

/** How many publishes the history fill keeps in flight. */
const FILL_IN_FLIGHT = 16;

/** A cluster grows with the load, as a deployment would: 4 instances for 20,000 streams. */
const clusterSize = (streams: number) => (streams > 5_000 ? 4 : 2);

export async function startProduct(context: LaunchContext, mode: "embedded" | "upstash" | "redis", streams: number): Promise<RunningSystem> {
  const upstash = mode === "upstash" ? await context.upstash() : null;
  const redisUrl = mode === "redis" ? await context.redisUrl() : null;
  const instances = mode === "embedded" ? 1 : (context.clusterInstances ?? clusterSize(streams));
  // Explicitly empty where unused, so settings in the caller's environment cannot switch the mode.
  const envOf = (i: number) => ({
    ...PRODUCT_ENV,
    UPSTASH_REDIS_REST_URL: upstash?.url ?? "",
    UPSTASH_REDIS_REST_TOKEN: upstash?.token ?? "",
    REDIS_URL: redisUrl ?? "",
    INSTANCE_ID: `bench-${mode}-${i}`,
  });
  const servers: NextServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    for (let i = 0; i < instances; i++) servers.push(await startNextServer(envOf(i), { cwd: context.productDir, ...serverNodeOf(context) }));
    // One sign-in per user: every stream is alice's, every publish the admin's (one secret: valid on every instance).
    const admin = await signInCookie(servers[0]!.url, "admin@example.com");
    const member = await signInCookie(servers[0]!.url, "alice@example.com");
    const publishVia = (server: NextServer) => (t: number) =>
      postJson(`${server.url}/api/notifications`, { audience: { kind: "all" }, title: "bench", body: String(t) }, { cookie: admin, origin: server.url });
    const sparse = await signInCookie(servers[0]!.url, "bob@example.com");
    const stats = async (server: NextServer): Promise<Stats> => (await fetch(`${server.url}/api/admin/stats`, { headers: { cookie: admin } })).json();
    const storeRoundTrips =
      mode === "embedded"
        ? undefined
        : async () => {
            const all = await Promise.all(servers.map(stats));
            // Each stats answer counts its own two reads (instances, counters).
            return all.reduce((sum, s) => sum + s.thisInstance.storeRoundTrips - 2, 0);
          };
    const commandsSent = async () => (await Promise.all(servers.map(stats))).reduce((sum, s) => sum + s.thisInstance.storeCommands, 0);
    // What asking costs: two readings in a row differ by one reading's own commands.
    const firstReading = mode === "embedded" ? 0 : await commandsSent();
    const askingCost = mode === "embedded" ? 0 : (await commandsSent()) - firstReading;
    const history = {
      dashboard: { url: servers[0]!.url, cookie: sparse },
      page: async () => {
        const res = await fetch(`${servers[0]!.url}/api/notifications?limit=30`, { headers: { cookie: sparse } });
        if (!res.ok) throw new Error(`history page: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      },
      fill: async (count: number) => {
        const server = servers[0]!;
        // A publish to a channel outside the catalog is refused: the noise gets its own, followed by nobody.
        const channel = await fetch(`${server.url}/api/admin/channels/bench-noise`, { method: "PUT", headers: { cookie: admin, origin: server.url, "content-type": "application/json" }, body: "{}" });
        if (!channel.ok) throw new Error(`creating the noise channel: ${channel.status} ${await channel.text()}`);
        let next = 0;
        const worker = async () => {
          for (let i = next++; i < count; i = next++) {
            // One in 25,000 to the person (four in 100,000), the rest to a channel they do not follow.
            const audience = i % 25_000 === 0 ? { kind: "user", userId: "bob@example.com" } : { kind: "channel", channel: "bench-noise" };
            await postJson(`${server.url}/api/notifications`, { audience, title: `kept ${i}` }, { cookie: admin, origin: server.url });
          }
        };
        await Promise.all(Array.from({ length: FILL_IN_FLIGHT }, worker));
      },
      roundTrips: storeRoundTrips,
      commands: mode === "embedded" ? undefined : async () => (await commandsSent()) - askingCost,
      heapAfterGc: async () => {
        const server = servers[0]!;
        const res = await fetch(`${server.url}/api/admin/diagnostics`, {
          method: "POST",
          headers: { cookie: admin, origin: server.url, "content-type": "application/json" },
          body: JSON.stringify({ action: "collect-garbage" }),
        });
        const { heapUsedBytes } = (await res.json()) as { heapUsedBytes: number | null };
        if (heapUsedBytes === null) throw new Error("the server runs without --expose-gc: no heap after a full collection");
        return heapUsedBytes;
      },
    };
    // The storm publishes through the last instance: in a cluster, the first one is the one restarted.
    const survivor = servers[servers.length - 1]!;
    return {
      streamUrls: servers.map((s) => `${s.url}/api/events`),
      streamHeaders: { cookie: member },
      publish: publishVia(servers[0]!),
      pids: servers.map((s) => s.process.pid!),
      instances,
      usesRedis: mode !== "embedded",
      output: () => servers.map((s) => s.output()),
      stop,
      screen: { url: servers[0]!.url, cookie: member },
      storm: {
        affected: (n) => (instances === 1 ? n : Math.ceil(n / instances)),
        publish: (t) => publishVia(survivor)(t),
        trigger: async () => {
          if (instances === 1) {
            await postJson(`${servers[0]!.url}/api/admin/diagnostics`, { action: "end-streams" }, { cookie: admin, origin: servers[0]!.url }, 200);
            return;
          }
          // A crash and a restart of the first instance, on its port: its streams come back to it by id.
          const crashed = servers[0]!;
          crashed.process.kill("SIGKILL");
          await crashed.stop();
          servers[0] = await startNextServer(envOf(0), { cwd: context.productDir, port: crashed.port, ...serverNodeOf(context) });
        },
      },
      storeRoundTrips,
      history,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
