// The dashboard as people use it: sign in, watch alerts arrive live, read them.
import { ALICE, asAdminAndMember, BOB, expect, publish, signIn, test } from "./fixtures";

test("a signed-out visitor is sent to sign-in", async ({ page, baseURL }) => {
  await page.goto(`${baseURL}/`);
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByTestId("signin-submit")).toBeVisible();
});

test("a wrong password shows an error and no session", async ({ page, baseURL }) => {
  await page.goto(`${baseURL}/signin`);
  await page.getByTestId("signin-email").fill(ALICE);
  await page.getByTestId("signin-password").fill("not-the-password");
  await page.getByTestId("signin-submit").click();
  await expect(page.getByTestId("signin-error")).toBeVisible();
  await page.goto(`${baseURL}/`);
  await expect(page).toHaveURL(/\/signin/);
});

test("member signs in through the form and the dashboard goes live", async ({ page, baseURL }) => {
  await page.goto(`${baseURL}/signin`);
  await page.getByTestId("signin-email").fill(ALICE);
  await page.getByTestId("signin-password").fill("demo");
  await page.getByTestId("signin-submit").click();
  await expect(page).toHaveURL(`${baseURL}/`);
  await expect(page.getByTestId("connection-status")).toContainText("Live");
});

test("member sees the alert an admin sends from the form, as a toast and on the badge", async ({ browser, baseURL }) => {
  await asAdminAndMember(browser, baseURL, BOB, async ({ admin: adminContext, member: memberContext }) => {
    // Nothing unread before (earlier tests sent plenty to everyone): the badge then counts this one alone.
    expect((await memberContext.request.post(`${baseURL}/api/notifications/read`, { data: { all: true }, headers: { origin: baseURL } })).status()).toBe(200);
    const member = await memberContext.newPage();
    await member.goto(`${baseURL}/`);
    await expect(member.getByTestId("connection-status")).toContainText("Live");
    await expect(member.getByTestId("bell-badge")).toHaveCount(0);

    const admin = await adminContext.newPage();
    await admin.goto(`${baseURL}/admin`);
    const title = `Deploy finished ${Date.now()}`;
    await admin.getByTestId("admin-title").fill(title);
    await admin.getByTestId("admin-body").fill("api v2.3.1 is live");
    await admin.getByTestId("admin-severity").selectOption("success");
    await expect(admin.getByTestId("admin-preview")).toContainText(title);
    await admin.getByTestId("admin-send").click();
    await expect(admin.getByTestId("admin-result")).toContainText(/\d+-\d+/);

    await expect(member.getByTestId("toast").filter({ hasText: title })).toBeVisible();
    await expect(member.getByTestId("bell-badge")).toHaveText("1");
    await expect(member.getByTestId("notification-item").filter({ hasText: title })).toHaveCount(1);
    await member.screenshot({ path: "docs/screenshot.png" });
  });
});

test("text that looks like HTML is shown as text and never runs", async ({ browser, baseURL }) => {
  await asAdminAndMember(browser, baseURL, ALICE, async ({ admin: adminContext, member: memberContext }) => {
    const member = await memberContext.newPage();
    await member.goto(`${baseURL}/`);
    await expect(member.getByTestId("connection-status")).toContainText("Live");
    const title = `<img src=x onerror="window.__pwned=1"> ${Date.now()}`;
    const body = `<script>window.__pwned=2</script><b>bold?</b>`;
    const sent = await publish(adminContext.request, baseURL, { audience: { kind: "all" }, title, body, severity: "warning" });
    const item = member.locator(`[data-testid="notification-item"][data-id="${sent.id}"]`);
    await expect(item.getByTestId("notification-title")).toHaveText(title);
    await expect(item.getByTestId("notification-body")).toHaveText(body);
    await expect(item.locator("img, script, b")).toHaveCount(0);
    await member.reload();
    await expect(member.locator(`[data-testid="notification-item"][data-id="${sent.id}"]`)).toHaveCount(1);
    expect(await member.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });
});

test("marking all read in one tab clears the badge in the other", async ({ browser, baseURL }) => {
  await asAdminAndMember(browser, baseURL, ALICE, async ({ admin: adminContext, member: memberContext }) => {
    const tab1 = await memberContext.newPage();
    const tab2 = await memberContext.newPage();
    await tab1.goto(`${baseURL}/`);
    await tab2.goto(`${baseURL}/`);
    await expect(tab1.getByTestId("connection-status")).toContainText("Live");
    await expect(tab2.getByTestId("connection-status")).toContainText("Live");
    await publish(adminContext.request, baseURL, { audience: { kind: "all" }, title: `Unread one ${Date.now()}` });
    await expect(tab2.getByTestId("bell-badge")).toBeVisible();
    await tab1.getByTestId("mark-all-read").click();
    await expect(tab2.getByTestId("bell-badge")).toBeHidden();
    await expect(tab2.locator('[data-testid="notification-item"][data-read="false"]')).toHaveCount(0);
  });
});

test("a reload resumes with every alert exactly once, none missing", async ({ browser, baseURL }) => {
  await asAdminAndMember(browser, baseURL, BOB, async ({ admin: adminContext, member: memberContext }) => {
    const member = await memberContext.newPage();
    await member.goto(`${baseURL}/`);
    await expect(member.getByTestId("connection-status")).toContainText("Live");
    const tag = `resume-${Date.now()}`;
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push(await publish(adminContext.request, baseURL, { audience: { kind: "all" }, title: `${tag} before ${i}` }));
    await expect(member.getByTestId("notification-item").filter({ hasText: tag })).toHaveCount(3);
    // Publish while the page reloads: these must arrive once, either in the history or on the stream.
    const reload = member.reload();
    for (let i = 0; i < 3; i++) sent.push(await publish(adminContext.request, baseURL, { audience: { kind: "all" }, title: `${tag} during ${i}` }));
    await reload;
    await expect(member.getByTestId("connection-status")).toContainText("Live");
    for (let i = 0; i < 2; i++) sent.push(await publish(adminContext.request, baseURL, { audience: { kind: "all" }, title: `${tag} after ${i}` }));
    const items = member.getByTestId("notification-item").filter({ hasText: tag });
    await expect(items).toHaveCount(sent.length);
    const shown = await items.evaluateAll((els) => els.map((el) => el.getAttribute("data-id")));
    expect(new Set(shown).size).toBe(sent.length);
    expect([...shown].sort()).toEqual(sent.map((n) => n.id).sort());
  });
});

test("a member cannot reach /admin or publish", async ({ page, context, baseURL }) => {
  await signIn(context.request, baseURL, ALICE);
  await page.goto(`${baseURL}/admin`);
  await expect(page.getByTestId("admin-form")).toHaveCount(0);
  const res = await context.request.post(`${baseURL}/api/notifications`, {
    data: { audience: { kind: "all" }, title: "sneaky" },
    headers: { origin: baseURL },
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).error).toMatch(/admin/);
});
