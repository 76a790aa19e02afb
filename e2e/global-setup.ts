// Starts the servers the end-to-end tests use, on free ports, and stops them
// after: one production instance on the embedded store.
import { startNextServer } from "../testing/next-server";

export default async function globalSetup() {
  const embedded = await startNextServer({ SSE_HEARTBEAT_MS: "2000", RATE_CONNECT_PER_MIN: "600", RATE_SIGNIN_PER_MIN: "1000", RATE_PUBLISH_PER_MIN: "10000" });
  process.env.E2E_EMBEDDED_URL = embedded.url;
  return async () => {
    await embedded.stop();
  };
}
