// Starts this product (`next start` of its production build): embedded (one instance) or Upstash mode (two instances on one Redis).
import { startNextServer, TEST_SECRET, type NextServer } from "../../testing/next-server";
import { signInCookie } from "../../testing/session";
import { postJson, type LaunchContext, type RunningSystem } from "./types";

/** The bench's settings: limits out of the way, the contract's default heartbeat. */
const PRODUCT_ENV = {
  NEXTAUTH_SECRET: TEST_SECRET,
  DEMO_USERS: "1",
  MAX_CONNECTIONS_PER_USER: "100000",
  RATE_CONNECT_PER_MIN: "1000000",
  RATE_PUBLISH_PER_MIN: "1000000",
  SSE_HEARTBEAT_MS: "15000",
};

export async function startProduct(context: LaunchContext, mode: "embedded" | "upstash"): Promise<RunningSystem> {
  const upstash = mode === "upstash" ? await context.upstash() : null;
  const instances = upstash ? 2 : 1;
  const servers: NextServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    for (let i = 0; i < instances; i++) {
      servers.push(
        await startNextServer(
          {
            ...PRODUCT_ENV,
            // Explicitly empty in embedded mode, so an Upstash URL in the caller's environment cannot switch the mode.
            UPSTASH_REDIS_REST_URL: upstash?.url ?? "",
            UPSTASH_REDIS_REST_TOKEN: upstash?.token ?? "",
            INSTANCE_ID: `bench-${mode}-${i}`,
          },
          { cwd: context.productDir },
        ),
      );
    }
    const publisher = servers[0]!;
    // One sign-in per user: every stream is alice's, every publish the admin's.
    const admin = await signInCookie(publisher.url, "admin@example.com");
    const member = await signInCookie(publisher.url, "alice@example.com");
    const publishHeaders = { cookie: admin, origin: publisher.url };
    return {
      streamUrls: servers.map((s) => `${s.url}/api/events`),
      streamHeaders: { cookie: member },
      publish: (t) => postJson(`${publisher.url}/api/notifications`, { title: "bench", body: String(t) }, publishHeaders),
      pids: servers.map((s) => s.process.pid!),
      instances,
      usesRedis: upstash !== null,
      output: () => servers.map((s) => s.output()),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
