// Regression, through a production server: streams that leave while a flush
// waits in the batching gap, and a client rotating every 2 s under steady
// publishing, once stopped the instance from delivering anything live.
import { startNextServer, type NextServer } from "../testing/next-server";
import { signInCookie } from "../testing/session";
import { assertDeliversLive, churnStreamsDuringPublishes, rotateUnderPublishes, type LiveTarget } from "../testing/live-checks";
import { expect, test } from "./fixtures";

let server: NextServer;
let target: LiveTarget;
test.beforeAll(async () => {
  server = await startNextServer({
    SSE_MAX_DURATION_S: "2",
    MAX_CONNECTIONS_PER_USER: "1000",
    RATE_CONNECT_PER_MIN: "1000000",
    RATE_PUBLISH_PER_MIN: "1000000",
  });
  target = { url: server.url, admin: await signInCookie(server.url, "admin@example.com"), member: await signInCookie(server.url, "alice@example.com") };
});
test.afterAll(async () => server.stop());

test("streams aborted while publishes are batched do not stop live delivery", async () => {
  test.setTimeout(120_000);
  await churnStreamsDuringPublishes(target);
  await assertDeliversLive(target);
});

test("a client rotating its stream every 2 s under 50 publishes/s does not stop live delivery", async () => {
  test.setTimeout(120_000);
  const rotations = await rotateUnderPublishes(target, 10_000);
  expect(rotations).toBeGreaterThanOrEqual(3);
  await assertDeliversLive(target);
});
