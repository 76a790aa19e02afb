// An alert's life on screen, in Chromium: an Alertmanager firing
// then resolved pair is one card that turns resolved; an alert that expires
// leaves the feed and the badge at its time without a reload (the page's clock
// is moved, not waited for); a critical toast stays until dismissed; an admin
// marks a firing alert resolved from /admin.
import type { APIRequestContext } from "@playwright/test";
import { ALICE, asAdminAndMember, cardOf, cardsTitled, expect, publish, test } from "./fixtures";

async function adminToken(request: APIRequestContext, baseURL: string, name: string): Promise<string> {
  const res = await request.post(`${baseURL}/api/tokens`, { data: { name }, headers: { origin: baseURL } });
  expect(res.status()).toBe(201);
  return (await res.json()).token;
}

const alertmanagerPayload = (status: "firing" | "resolved", fingerprint: string) => ({
  version: "4",
  status,
  receiver: "dashboard",
  alerts: [
    {
      status,
      labels: { alertname: "ApiLatencyHigh", severity: "critical", service: "api" },
      annotations: { summary: `API latency above 2 s (${fingerprint})`, description: "p99 over 2 s for 10 minutes" },
      startsAt: new Date().toISOString(),
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "https://prometheus.example.org/graph?g0.expr=latency",
      fingerprint,
    },
  ],
});

test("an Alertmanager firing-then-resolved pair is one card on a member's dashboard, and it turns resolved", async ({ browser, baseURL }) => {
  await asAdminAndMember(browser, baseURL, ALICE, async ({ admin, member }) => {
    const token = await adminToken(admin.request, baseURL, "prometheus");
    const page = await member.newPage();
    await page.goto(`${baseURL}/`);
    await expect(page.getByTestId("connection-status")).toHaveText("Live");
    const fingerprint = `fp${Date.now().toString(16)}`;
    const title = `API latency above 2 s (${fingerprint})`;
    const hook = (status: "firing" | "resolved") =>
      admin.request.post(`${baseURL}/api/hooks/alertmanager`, { data: alertmanagerPayload(status, fingerprint), headers: { authorization: `Bearer ${token}` } });

    expect((await hook("firing")).status()).toBe(202);
    const card = page.getByTestId("notification-item").filter({ hasText: title });
    await expect(card).toHaveCount(1);
    await expect(card.getByTestId("notification-status")).toHaveText("Firing");
    await expect(card).toContainText(/critical/i);
    await expect(card.getByTestId("notification-sender")).toHaveText("· Admin via Alertmanager with token “prometheus”");

    expect((await hook("resolved")).status()).toBe(202);
    await expect(card.getByTestId("notification-status")).toHaveText("✓ Resolved");
    await expect(card).toHaveCount(1);
    // And so after a reload: the history holds the resolved one only.
    await page.reload();
    await expect(page.getByTestId("notification-item").filter({ hasText: title })).toHaveCount(1);
    await expect(page.getByTestId("notification-item").filter({ hasText: title }).getByTestId("notification-status")).toHaveText("✓ Resolved");
  });
});

test("an alert that expires leaves the feed and the badge at its time, live, and stays in the admins' list", async ({ browser, baseURL }) => {
  await asAdminAndMember(browser, baseURL, ALICE, async ({ admin, member }) => {
    const page = await member.newPage();
    await page.clock.install();
    await page.goto(`${baseURL}/`);
    await expect(page.getByTestId("connection-status")).toHaveText("Live");
    // Nothing unseen before: the badge then counts this one alone.
    expect((await member.request.post(`${baseURL}/api/notifications/read`, { data: { all: true }, headers: { origin: baseURL } })).status()).toBe(200);
    const badge = page.getByTestId("bell-badge");
    await expect(badge).toHaveCount(0);
    const expiresAt = new Date(Date.now() + 60 * 60_000).toISOString();
    const sent = await publish(admin.request, baseURL, { audience: { kind: "all" }, title: "Maintenance tonight 22:00", expiresAt });
    await expect(cardOf(page, sent.id)).toBeVisible();
    await expect(cardOf(page, sent.id).getByTestId("notification-expiry")).toContainText("until");
    await expect(badge).toHaveText("1");

    await page.clock.fastForward("02:00:00");
    await expect(cardOf(page, sent.id)).toHaveCount(0);
    await expect(badge).toHaveCount(0);

    const alerts = await (await admin.request.get(`${baseURL}/api/admin/alerts`)).json();
    expect(alerts.items.map((a: { id: string }) => a.id)).toContain(sent.id);
  });
});

test("a critical toast stays until dismissed while others leave", async ({ browser, baseURL }) => {
  await asAdminAndMember(browser, baseURL, ALICE, async ({ admin, member }) => {
    const page = await member.newPage();
    await page.clock.install();
    await page.goto(`${baseURL}/`);
    await expect(page.getByTestId("connection-status")).toHaveText("Live");
    await publish(admin.request, baseURL, { audience: { kind: "all" }, title: "Backup finished", severity: "info" });
    await publish(admin.request, baseURL, { audience: { kind: "all" }, title: "Primary database down", severity: "critical" });
    const toasts = page.getByTestId("toast");
    await expect(toasts.filter({ hasText: "Backup finished" })).toHaveCount(1);
    await expect(toasts.filter({ hasText: "Primary database down" })).toHaveCount(1);

    await page.clock.fastForward("00:01:00");
    await expect(toasts.filter({ hasText: "Backup finished" })).toHaveCount(0);
    await expect(toasts.filter({ hasText: "Primary database down" })).toHaveCount(1);
    await toasts.filter({ hasText: "Primary database down" }).getByRole("button", { name: "Dismiss" }).click();
    await expect(toasts).toHaveCount(0);
  });
});

test("an admin sends a firing alert from the form and marks it resolved from /admin; members see it turn", async ({ browser, baseURL }) => {
  await asAdminAndMember(browser, baseURL, ALICE, async ({ admin, member }) => {
    const memberPage = await member.newPage();
    await memberPage.goto(`${baseURL}/`);
    await expect(memberPage.getByTestId("connection-status")).toHaveText("Live");
    const adminPage = await admin.newPage();
    await adminPage.goto(`${baseURL}/admin`);
    const title = `Checkout errors rising ${Date.now()}`;
    await adminPage.getByTestId("admin-title").fill(title);
    await adminPage.getByTestId("admin-severity").selectOption("critical");
    await adminPage.getByTestId("admin-firing").check();
    await adminPage.getByTestId("admin-send").click();
    await expect(adminPage.getByTestId("admin-result")).toBeVisible();

    await expect(cardsTitled(memberPage, title)).toHaveCount(1);
    const memberCard = memberPage.getByTestId("notification-item").filter({ hasText: title });
    await expect(memberCard.getByTestId("notification-status")).toHaveText("Firing");

    const row = adminPage.getByTestId("admin-alert").filter({ hasText: title });
    await row.getByTestId("admin-resolve").click();
    await expect(memberCard.getByTestId("notification-status")).toHaveText("✓ Resolved");
    await expect(cardsTitled(memberPage, title)).toHaveCount(1);
    // The newest row is the resolved one, with nothing left to resolve.
    await expect(adminPage.getByTestId("admin-alert").filter({ hasText: title }).first().getByTestId("notification-status")).toHaveText("✓ Resolved");
    await expect(adminPage.getByTestId("admin-alert").filter({ hasText: title }).getByTestId("admin-resolve")).toHaveCount(0);
  });
});

test("members cannot resolve; an alert without a collapse key cannot be resolved (409)", async ({ browser, baseURL }) => {
  await asAdminAndMember(browser, baseURL, ALICE, async ({ admin, member }) => {
    const plain = await publish(admin.request, baseURL, { audience: { kind: "all" }, title: "No key" });
    const byMember = await member.request.post(`${baseURL}/api/admin/alerts/${plain.id}/resolve`, { headers: { origin: baseURL } });
    expect(byMember.status()).toBe(403);
    const noKey = await admin.request.post(`${baseURL}/api/admin/alerts/${plain.id}/resolve`, { headers: { origin: baseURL } });
    expect(noKey.status()).toBe(409);
    expect((await noKey.json()).error).toMatch(/collapse key/);
    const unknown = await admin.request.post(`${baseURL}/api/admin/alerts/1-0/resolve`, { headers: { origin: baseURL } });
    expect(unknown.status()).toBe(404);
  });
});
