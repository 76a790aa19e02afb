// What an operator reads of a real instance on Redis after real traffic:
// metrics for Prometheus at /api/metrics, checked by Debian's promtool, and
// JSON log lines with audit lines that never hold a secret.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { startNextServer, type NextServer } from "../testing/next-server";
import { startRedis, type RedisServer } from "../testing/redis";
import { signInCookie } from "../testing/session";
import { signOut } from "../testing/session";
import { collect, notificationIds } from "../testing/sse-reader";
import { addCookieHeader, ADMIN, cardsTitled, expect, postAs, test } from "./fixtures";

const TOKEN = "metrics-token-0123456789abcdef";
let redis: RedisServer;
let server: NextServer;

test.beforeAll(async () => {
  redis = await startRedis();
  server = await startNextServer({ REDIS_URL: redis.url, METRICS_TOKEN: TOKEN, MAX_CONNECTIONS_PER_USER: "1", RATE_HISTORY_PER_MIN: "2" });
});
test.afterAll(async () => {
  await server?.stop();
  await redis?.destroy();
});

const scrape = (token = TOKEN) => fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${token}` } });
const valueOf = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);

test("after streams, publishes, a webhook and refusals, the metrics say so, in a format promtool accepts", async () => {
  const admin = await signInCookie(server.url, ADMIN);
  const res = await fetch(`${server.url}/api/events`, { headers: { cookie: admin } });
  const stream = collect(res.body!);
  await stream.waitFor((e) => e.some((x) => x.event === "connected"));
  // A second stream of the same person: refused (MAX_CONNECTIONS_PER_USER=1).
  expect((await fetch(`${server.url}/api/events`, { headers: { cookie: admin } })).status).toBe(429);
  const sent = await postAs(server.url, "/api/notifications", admin, { title: "counted", audience: { kind: "all" } });
  expect(sent.status).toBe(201);
  await stream.waitFor((e) => notificationIds(e).length === 1);
  const made = await postAs(server.url, "/api/tokens", admin, { name: "am", scope: "hooks" });
  const { token } = (await made.json()) as { token: string };
  const payload = readFileSync(path.join(__dirname, "../lib/integrations/fixtures/alertmanager-v4.json"), "utf8");
  const hook = await fetch(`${server.url}/api/hooks/alertmanager`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: payload });
  expect(hook.status).toBe(202);
  for (let i = 0; i < 3; i++) await fetch(`${server.url}/api/notifications`, { headers: { cookie: admin } });

  expect((await scrape("wrong-token-0123456789abcdef")).status).toBe(401);
  const answer = await scrape();
  expect(answer.status).toBe(200);
  expect(answer.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await answer.text();
  const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  expect(check.status, check.stdout + check.stderr).toBe(0);

  expect(valueOf(text, "ntf_open_streams")).toBe(1);
  expect(valueOf(text, 'ntf_stream_refusals_total{reason="streams"}')).toBe(1);
  expect(valueOf(text, 'ntf_publishes_total{source="session"}')).toBe(1);
  expect(valueOf(text, 'ntf_publishes_total{source="alertmanager"}')).toBeGreaterThan(0);
  expect(valueOf(text, 'ntf_webhook_requests_total{source="alertmanager",status="202"}')).toBe(1);
  expect(valueOf(text, 'ntf_rate_limit_refusals_total{route="/api/notifications"}')).toBeGreaterThan(0);
  expect(valueOf(text, "ntf_deliveries_total")).toBeGreaterThan(0);
  expect(valueOf(text, "ntf_bus_live")).toBe(1);
  expect(valueOf(text, "ntf_store_round_trip_seconds_count")).toBeGreaterThan(0);
  expect(valueOf(text, "ntf_store_errors_total")).toBe(0);
  expect(text).toContain("ntf_process_cpu_seconds_total");
});

test("the log is JSON lines with time, level, instance and request id; audit lines name who did what, never a secret or a notification's text", async () => {
  const alice = await signInCookie(server.url, "alice@example.com");
  const admin = await signInCookie(server.url, ADMIN);
  const made = await postAs(server.url, "/api/tokens", admin, { name: "ci", scope: "publish" });
  const { token, id: tokenId } = (await made.json()) as { token: string; id: string };
  const sent = await fetch(`${server.url}/api/notifications`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-request-id": "req-from-the-proxy-1" },
    body: JSON.stringify({ title: "a private title", body: "a private body", audience: { kind: "all" } }),
  });
  expect(sent.status).toBe(201);
  expect((await fetch(`${server.url}/api/tokens/${tokenId}`, { method: "DELETE", headers: { cookie: admin, origin: server.url } })).status).toBe(204);
  expect((await signOut(server.url, alice)).status).toBeLessThan(400);

  const lines = server.output().split("\n").filter((line) => line.startsWith("{"));
  const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const record of records) {
    expect(typeof record.time === "string" && !Number.isNaN(Date.parse(record.time)), JSON.stringify(record)).toBe(true);
    expect(["info", "warn", "error"]).toContain(record.level);
    expect(record.instance).toBeTruthy();
  }
  const audits = records.filter((r) => r.audit);
  const actions = new Set(audits.map((r) => r.audit));
  for (const action of ["sign-in", "sign-out", "token-created", "token-used", "token-revoked", "publish"]) expect(actions, action).toContain(action);
  const publish = audits.find((r) => r.audit === "publish" && r.source === "token")!;
  expect(publish.requestId).toBe("req-from-the-proxy-1");
  const everything = server.output();
  for (const secret of [token, "a private title", "a private body", admin.split("session-token=")[1]!.split(";")[0]!, "demo\""]) expect(everything).not.toContain(secret);
});

// Last: it stops the Redis the other tests use.
test("while the server cannot reach its store the dashboard says Delayed, not Live, and Live again once it can", async ({ browser }) => {
  const context = await browser.newContext();
  await addCookieHeader(context, server.url, await signInCookie(server.url, "bob@example.com"));
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  const status = page.getByTestId("connection-status");
  await expect(status).toHaveText("Live");
  await redis.stop();
  await expect(status).toHaveText("Delayed: the server cannot reach its store", { timeout: 30_000 });
  await redis.start();
  await expect(status).toHaveText("Live", { timeout: 30_000 });
  const admin = await signInCookie(server.url, ADMIN);
  expect((await postAs(server.url, "/api/notifications", admin, { title: "after the outage", audience: { kind: "all" } })).status).toBe(201);
  await expect(cardsTitled(page, "after the outage")).toHaveCount(1);
  await context.close();
});
