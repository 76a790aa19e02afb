// What a production start refuses, what it turns off by default, and that
// the command the docs give is the server's process.
import { spawn } from "node:child_process";
import path from "node:path";
import { startNextServer, TEST_SECRET } from "../testing/next-server";
import { freePort } from "../testing/ports";
import { signInCookie } from "../testing/session";
import { collect } from "../testing/sse-reader";
import { addCookieHeader, ADMIN, expect, test } from "./fixtures";

for (const [name, secret] of [
  ["no NEXTAUTH_SECRET", ""],
  ["a placeholder NEXTAUTH_SECRET", "changeme"],
] as const) {
  test(`next start refuses to run with ${name}, saying why`, async () => {
    await expect(startNextServer({ NEXTAUTH_SECRET: secret })).rejects.toThrow(/Refusing to start: NEXTAUTH_SECRET/);
  });
}

test("next start refuses an allow list that names nobody, and a deployment nobody could sign in to, before it is ready", async () => {
  await expect(startNextServer({ ALLOWED_EMAILS: " , " })).rejects.toThrow(/Refusing to start: ALLOWED_EMAILS is set but names no address/);
  await expect(startNextServer({ DEMO_USERS: "" })).rejects.toThrow(/Refusing to start: nobody could sign in/);
});

test("a mistyped setting stops the start with its name, before any request is served", async () => {
  await expect(startNextServer({ REDIS_URL: "127.0.0.1:6379" })).rejects.toThrow(/Refusing to start: Invalid setting REDIS_URL: use redis:\/\/… or rediss:\/\/…/);
  await expect(startNextServer({ NEXTAUTH_URL: "alerts.example.com" })).rejects.toThrow(/Refusing to start: Invalid setting NEXTAUTH_URL/);
});

test("SIGTERM to `npm start` reaches the server: it shuts down gracefully and npm exits with it", async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const npm = spawn("npm", ["start", "--", "-p", String(port)], {
    cwd: path.resolve(__dirname, ".."),
    env: { ...process.env, NODE_ENV: "production", NEXTAUTH_URL: url, NEXTAUTH_SECRET: TEST_SECRET, DEMO_USERS: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  npm.stdout.on("data", (d) => (output += d));
  npm.stderr.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => npm.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : null))));
  await expect.poll(async () => (await fetch(`${url}/api/health/ready`).catch(() => null))?.status, { timeout: 60_000 }).toBe(200);
  expect((await fetch(`${url}/api/health/live`)).status).toBe(200);
  npm.kill("SIGTERM");
  await exited;
  expect(output).toMatch(/"component":"shutdown".*"msg":"SIGTERM: not ready; in 0 ms refusing new streams/);
  // Nothing left answering: no orphaned next-server.
  await expect(fetch(`${url}/api/health/live`)).rejects.toThrow();
});

test("SIGTERM with SHUTDOWN_DRAIN_MS: the instance answers not-ready at once and still serves writes and streams; then it ends the streams with reconnect and exits", async () => {
  const server = await startNextServer({ SHUTDOWN_DRAIN_MS: "5000" });
  const cookie = await signInCookie(server.url, ADMIN);
  const stream = collect((await fetch(`${server.url}/api/events`, { headers: { cookie } })).body!);
  await stream.waitFor((events) => events.some((e) => e.event === "connected"));
  const exited = new Promise((resolve) => server.process.once("exit", resolve));
  server.process.kill("SIGTERM");
  await expect.poll(async () => (await fetch(`${server.url}/api/health/ready`)).status).toBe(503);
  const sent = await fetch(`${server.url}/api/notifications`, {
    method: "POST",
    headers: { cookie, origin: server.url, "content-type": "application/json" },
    body: JSON.stringify({ title: "while draining", audience: { kind: "all" } }),
  });
  expect(sent.status).toBe(201);
  const { id } = await sent.json();
  await stream.waitFor((events) => events.some((e) => e.id === id));
  await stream.waitFor((events) => events.some((e) => e.event === "reconnect"));
  await exited;
  await expect(fetch(`${server.url}/api/health/live`)).rejects.toThrow();
});

test("demo accounts are off in production unless DEMO_USERS=1", async () => {
  // A way to sign in that needs no provider here: email links (nothing is sent in this test).
  const server = await startNextServer({ DEMO_USERS: "", NEXTAUTH_SECRET: TEST_SECRET, SMTP_URL: "smtp://127.0.0.1:9", EMAIL_FROM: "alerts@example.com", ALLOWED_EMAIL_DOMAINS: "example.com" });
  try {
    await expect(signInCookie(server.url, "admin@example.com")).rejects.toThrow(/sign-in failed/);
    expect(server.output()).not.toContain("demo");
  } finally {
    await server.stop();
  }
});

// Regression: on Vercel, the embedded store would silently split into one per function instance.
test("on Vercel without shared-store settings, health, publishing and /admin refuse and say which settings", async ({ browser }) => {
  const server = await startNextServer({ VERCEL: "1" }, { expectHealthy: false });
  try {
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(503);
    const { error, failing } = await health.json();
    expect(failing).toBe("settings");
    expect(error).toMatch(/UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN/);
    const admin = await signInCookie(server.url, "admin@example.com");
    const publish = await fetch(`${server.url}/api/notifications`, {
      method: "POST",
      headers: { cookie: admin, origin: server.url, "content-type": "application/json" },
      body: JSON.stringify({ audience: { kind: "all" }, title: "lost on another instance" }),
    });
    expect(publish.status).toBe(503);
    expect((await publish.json()).error).toBe(error);
    const context = await browser.newContext();
    try {
      await addCookieHeader(context, server.url, admin);
      const page = await context.newPage();
      await page.goto(`${server.url}/admin`);
      await expect(page.getByTestId("deployment-problem")).toHaveText(error);
    } finally {
      await context.close();
    }
  } finally {
    await server.stop();
  }
});
