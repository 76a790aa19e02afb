// The webhooks as Alertmanager, Grafana and GitHub call them, on a
// real `next start` with a GitHub secret and a small publish budget: happy
// paths, auth failures, malformed and oversized bodies, the budget, and what
// members and admins then see through the API.
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { startNextServer, type NextServer } from "../testing/next-server";
import { signInCookie } from "../testing/session";
import type { AlertPage, NotificationPage } from "@/lib/shared/types";
import { ADMIN, ALICE, expect, test } from "./fixtures";

test.describe.configure({ mode: "serial" });

const SECRET = "github-secret-for-the-tests";
const BUDGET = 20;
const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, "../lib/integrations/fixtures", name), "utf8"));

let server: NextServer;
let admin: string;
let alice: string;
let adminToken: string;
let memberToken: string;

async function tokenFor(cookie: string, name: string) {
  const res = await fetch(`${server.url}/api/tokens`, { method: "POST", headers: { cookie, origin: server.url, "content-type": "application/json" }, body: JSON.stringify({ name }) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

test.beforeAll(async () => {
  server = await startNextServer({ GITHUB_WEBHOOK_SECRET: SECRET, RATE_PUBLISH_PER_MIN: String(BUDGET) });
  [admin, alice] = await Promise.all([signInCookie(server.url, ADMIN), signInCookie(server.url, ALICE)]);
  adminToken = await tokenFor(admin, "alertmanager-prod");
  memberToken = await tokenFor(alice, "alice-script");
});
test.afterAll(async () => server?.stop());

const post = (hook: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/api/hooks/${hook}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const asAdmin = () => ({ authorization: `Bearer ${adminToken}` });

async function history(cookie: string): Promise<NotificationPage> {
  return (await fetch(`${server.url}/api/notifications?limit=100`, { headers: { cookie } })).json();
}

test("Alertmanager: one notification per alert, to the channel named, listed with the hook and the token", async () => {
  const res = await post("alertmanager?channel=ops", fixture("alertmanager-v4.json"), asAdmin());
  expect(res.status).toBe(202);
  expect(await res.json()).toEqual({ published: 2, unchanged: 0 });
  const alerts = ((await (await fetch(`${server.url}/api/admin/alerts`, { headers: { cookie: admin } })).json()) as AlertPage).items;
  const probe = alerts.find((a) => a.title === "Probe failing: https://shop.example.org")!;
  expect(probe).toMatchObject({ severity: "critical", status: "firing", audience: { kind: "channel", channel: "ops" }, collapseKey: "alertmanager:1a30ba71cca2921f" });
  expect(probe.sender).toEqual({ id: expect.stringMatching(/^u_/), name: "Admin", token: "alertmanager-prod", via: "alertmanager" });
  expect(alerts.find((a) => a.title === "DiskAlmostFull")).toMatchObject({ severity: "warning" });
});

test("Grafana: the firing one published and the resolved one replacing nothing yet; a later resolved replaces its firing one", async () => {
  const payload = fixture("grafana.json");
  const res = await post("grafana", payload, asAdmin());
  expect(res.status).toBe(202);
  expect(await res.json()).toEqual({ published: 2, unchanged: 0 });
  const before = (await history(alice)).items.filter((n) => n.sender.via === "grafana");
  expect(before.map((n) => n.status).sort()).toEqual(["firing", "resolved"]);

  const resolved = { ...payload, status: "resolved", alerts: [{ ...payload.alerts[0], status: "resolved" }] };
  expect((await post("grafana", resolved, asAdmin())).status).toBe(202);
  const after = (await history(alice)).items.filter((n) => n.title === "This alert was triggered for zone us-1");
  expect(after).toHaveLength(1);
  expect(after[0]!.status).toBe("resolved");
});

test("the alert hooks refuse what is not an admin's token, naming why", async () => {
  const payload = fixture("alertmanager-v4.json");
  const none = await post("alertmanager", payload);
  expect(none.status).toBe(401);
  expect((await none.json()).error).toMatch(/Bearer/);
  expect((await post("alertmanager", payload, { authorization: "Bearer not-a-token" })).status).toBe(401);
  // A signed-in admin's cookie is not a token: a hook is a service, and a cookie would need CSRF checks it cannot pass.
  expect((await post("grafana", payload, { cookie: admin, origin: server.url })).status).toBe(401);
  const member = await post("alertmanager", payload, { authorization: `Bearer ${memberToken}` });
  expect(member.status).toBe(403);
});

test("malformed payloads are 400 with the field at fault; nothing is published", async () => {
  const count = async () => (await history(alice)).items.length;
  const before = await count();
  for (const [body, field] of [
    [{ title: "our own format" }, "alerts"],
    [{ alerts: [{ status: "burning", labels: {} }] }, "alerts.0.status"],
    [{ alerts: [{ status: "firing", labels: { severity: 5 } }] }, "alerts.0.labels.severity"],
    [{ alerts: "many" }, "alerts"],
  ] as const) {
    const res = await post("alertmanager", body, asAdmin());
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect((await res.json()).field).toBe(field);
  }
  expect((await post("alertmanager", "{ not json", asAdmin())).status).toBe(400);
  expect((await post("alertmanager?channel=Not A Channel", fixture("alertmanager-v4.json"), asAdmin())).status).toBe(400);
  expect(await count()).toBe(before);
});

test("oversized: a body over 1 MiB is 413, and so is a payload with more alerts than a minute's budget", async () => {
  const huge = await post("alertmanager", { alerts: [{ status: "firing", labels: { alertname: "x".repeat(1_100_000) } }] }, asAdmin());
  expect(huge.status).toBe(413);
  const alert = { status: "firing", labels: { alertname: "Flood" }, annotations: {} };
  const flood = await post("alertmanager", { alerts: Array.from({ length: BUDGET + 1 }, (_, i) => ({ ...alert, fingerprint: `f${i}` })) }, asAdmin());
  expect(flood.status).toBe(413);
  expect((await flood.json()).error).toMatch(/max_alerts/);
  expect((await history(alice)).items.some((n) => n.title === "Flood")).toBe(false);
});

test("GitHub: signed events publish; ping is answered; others are ignored; a bad or missing signature is 401", async () => {
  const send = (event: string, payload: unknown, sign = true) => {
    const body = JSON.stringify(payload);
    const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    return post("github?channel=deploys", body, { "x-github-event": event, "x-github-delivery": randomUUID(), ...(sign ? { "x-hub-signature-256": signature } : {}) });
  };
  const ping = await send("ping", { zen: "Keep it logically awesome.", hook_id: 1 });
  expect(ping.status).toBe(200);
  const run = await send("workflow_run", fixture("github-workflow-run.json"));
  expect(run.status).toBe(202);
  expect(await run.json()).toEqual({ published: 1, unchanged: 0 });
  const deploy = await send("deployment_status", fixture("github-deployment-status.json"));
  expect(await deploy.json()).toEqual({ published: 1, unchanged: 0 });
  const push = await send("push", { ref: "refs/heads/main" });
  expect(push.status).toBe(202);
  expect(await push.json()).toEqual({ published: 0, unchanged: 0 });
  const requested = await send("workflow_run", { ...fixture("github-workflow-run.json"), action: "requested" });
  expect(await requested.json()).toEqual({ published: 0, unchanged: 0 });

  expect((await send("workflow_run", fixture("github-workflow-run.json"), false)).status).toBe(401);
  const forged = await post("github", JSON.stringify(fixture("github-workflow-run.json")), {
    "x-github-event": "workflow_run",
    "x-github-delivery": randomUUID(),
    "x-hub-signature-256": `sha256=${createHmac("sha256", "a-guessed-secret-value").update("{}").digest("hex")}`,
  });
  expect(forged.status).toBe(401);
  const malformed = await send("workflow_run", { action: "completed", workflow_run: { id: "seven" } });
  expect(malformed.status).toBe(400);
  expect((await malformed.json()).field).toBe("workflow_run.id");

  const alerts = ((await (await fetch(`${server.url}/api/admin/alerts`, { headers: { cookie: admin } })).json()) as AlertPage).items;
  expect(alerts.find((a) => a.title === "CI failed on main")).toMatchObject({
    severity: "error",
    audience: { kind: "channel", channel: "deploys" },
    link: "https://github.com/acme/shop/actions/runs/7012345678",
    sender: { id: "github", name: "GitHub", via: "github" },
  });
  expect(alerts.find((a) => a.title === "Deploy of v2.3.1 to production: success")).toMatchObject({ severity: "success" });
});

test("the budget: a payload the minute's budget cannot take whole is 429 with Retry-After, and none of it is sent", async () => {
  const alert = { status: "firing", labels: { alertname: "Budget" }, annotations: {} };
  const payload = (n: number, tag: string) => ({ alerts: Array.from({ length: n }, (_, i) => ({ ...alert, fingerprint: `${tag}${i}` })) });
  // A whole minute's budget, then one more: whichever of them this window cannot take is refused.
  let refused = await post("alertmanager", payload(BUDGET, "a"), asAdmin());
  if (refused.status === 202) refused = await post("alertmanager", payload(1, "b"), asAdmin());
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  const sent = (await history(alice)).items.filter((n) => n.title === "Budget");
  expect([0, BUDGET]).toContain(sent.length);
});
