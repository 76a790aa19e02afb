// What people see is right, whatever a notification holds: a long unbroken
// token never widens the page past the screen (every control stays on it),
// and right-to-left text reads right to left. At a phone's and a desktop's
// width, in light and dark.
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContextOptions } from "@playwright/test";
import type { NextServer } from "../testing/next-server";
import { addCookieHeader, ALICE, cardsTitled, expect, postAs, startServerForAdminAndAlice, test } from "./fixtures";

let server: NextServer;
let admin: string;
let alice: string;

test.beforeAll(async () => {
  ({ server, admin, alice } = await startServerForAdminAndAlice());
});
test.afterAll(async () => server?.stop());

/** Alice's dashboard in a browser of its own, at `options` (viewport, colour scheme), Live. */
async function aliceLive(browser: Browser, options: BrowserContextOptions) {
  const context = await browser.newContext(options);
  await addCookieHeader(context, server.url, alice);
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId("connection-status")).toHaveText("Live");
  return { context, page };
}

const DIGEST = `sha256:${"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".repeat(3)}`;

for (const [width, height, scheme] of [[390, 844, "light"], [1280, 860, "dark"]] as const) {
  test(`a long unbroken token keeps the dashboard within a ${width} px screen (${scheme}), and its card can still be archived`, async ({ browser }) => {
    const { context, page } = await aliceLive(browser, { viewport: { width, height }, colorScheme: scheme });
    const title = `Image ${DIGEST.slice(0, 90)}`;
    const sent = await postAs(server.url, "/api/notifications", admin, { title, body: "x".repeat(2000), audience: { kind: "user", userId: ALICE } });
    expect(sent.status).toBe(201);
    await expect(cardsTitled(page, title)).toHaveCount(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    const archive = page.getByTestId("archive").first();
    const box = (await archive.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(width);
    await page.screenshot({ path: test.info().outputPath(`long-token-${width}.png`), fullPage: true });
    await archive.click();
    await expect(cardsTitled(page, title)).toHaveCount(0);
    await context.close();
  });
}

test("right-to-left titles and bodies read right to left on cards, toasts and the bell", async ({ browser }) => {
  const { context, page } = await aliceLive(browser, { viewport: { width: 390, height: 844 } });
  const title = "انقطاع في واجهة الدفع";
  expect((await postAs(server.url, "/api/notifications", admin, { title, body: "خطأ 500 على /charge", audience: { kind: "user", userId: ALICE } })).status).toBe(201);
  const card = cardsTitled(page, title);
  await expect(card).toHaveCount(1);
  const direction = (locator: import("@playwright/test").Locator) => locator.evaluate((el) => getComputedStyle(el).direction);
  expect(await direction(card)).toBe("rtl");
  expect(await direction(page.getByTestId("notification-body").first())).toBe("rtl");
  expect(await direction(page.getByTestId("toast").getByText(title))).toBe("rtl");
  await page.getByTestId("bell-button").click();
  expect(await direction(page.getByTestId("bell-menu").getByText(title))).toBe("rtl");
  await context.close();
});

test("the toast of a critical alert's resolved notice says Resolved, and the firing one says Firing", async ({ browser }) => {
  const { context, page } = await aliceLive(browser, { viewport: { width: 390, height: 844 } });
  const alert = { title: "Payments API down", body: "5xx on /charge", severity: "critical", collapseKey: "payments-down", audience: { kind: "user", userId: ALICE } };
  expect((await postAs(server.url, "/api/notifications", admin, { ...alert, status: "firing" })).status).toBe(201);
  const toasts = page.getByTestId("toast");
  await expect(toasts.filter({ hasText: "Payments API down" }).getByTestId("notification-status")).toHaveText("Firing");
  await toasts.getByRole("button", { name: "Dismiss" }).first().click();
  expect((await postAs(server.url, "/api/notifications", admin, { ...alert, status: "resolved" })).status).toBe(201);
  await expect(toasts.filter({ hasText: "Payments API down" }).getByTestId("notification-status")).toHaveText("✓ Resolved");
  await context.close();
});

test("a mark that failed offline says so in a sentence, and the sentence goes once the dashboard is Live again", async ({ browser }) => {
  const { context, page } = await aliceLive(browser, { viewport: { width: 1280, height: 860 } });
  expect((await postAs(server.url, "/api/notifications", admin, { title: "read me offline", audience: { kind: "user", userId: ALICE } })).status).toBe(201);
  await expect(cardsTitled(page, "read me offline")).toHaveCount(1);
  await context.setOffline(true);
  await page.getByTestId("mark-read").first().click();
  await expect(page.getByTestId("feed-error")).toHaveText("Could not reach the server: check the connection, then try again.");
  await context.setOffline(false);
  await expect(page.getByTestId("connection-status")).toHaveText("Live");
  await expect(page.getByTestId("feed-error")).toHaveCount(0);
  await context.close();
});

/** WCAG contrast of two colours given as sRGB bytes. */
function contrast(a: number[], b: number[]) {
  const luminance = (rgb: number[]) => {
    const [r, g, bl] = rgb.map((c) => c / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

test("in dark mode, hovered dark-on-light buttons keep their text readable (4.5:1)", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: "dark" });
  await addCookieHeader(context, server.url, alice);
  const page = await context.newPage();
  for (const [path, testId] of [["/", "mark-all-read"], ["/settings", "desktop-notifications-toggle"]] as const) {
    await page.goto(`${server.url}${path}`);
    const button = page.getByTestId(testId);
    await button.hover();
    // Computed colours come as lab() or oklch(): a canvas turns them into sRGB bytes.
    const [color, background] = await button.evaluate((el) => {
      const canvas = document.createElement("canvas").getContext("2d")!;
      const bytes = (css: string) => {
        canvas.clearRect(0, 0, 1, 1);
        canvas.fillStyle = css;
        canvas.fillRect(0, 0, 1, 1);
        return [...canvas.getImageData(0, 0, 1, 1).data.slice(0, 3)];
      };
      return [bytes(getComputedStyle(el).color), bytes(getComputedStyle(el).backgroundColor)];
    });
    expect(contrast(color, background), `${testId}: ${color} on ${background}`).toBeGreaterThanOrEqual(4.5);
  }
  await context.close();
});

test("the first paint holds the newest page (no skeleton), and a live arrival while the browser's own page request is slow stays once it answers", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await addCookieHeader(context, server.url, alice);
  const page = await context.newPage();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/notifications?limit=30&muted=0", async (route) => {
    await released;
    await route.continue();
  });
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId("connection-status")).toHaveText("Live");
  expect((await postAs(server.url, "/api/notifications", admin, { title: "while the history loads", audience: { kind: "user", userId: ALICE } })).status).toBe(201);
  await expect(cardsTitled(page, "while the history loads")).toHaveCount(1);
  // The page's HTML brought the newest page (rendered on the server): nothing is loading to show skeletons for.
  await expect(page.getByTestId("feed-skeleton")).toHaveCount(0);
  const answered = page.waitForResponse("**/api/notifications?limit=30&muted=0");
  release();
  await answered;
  await expect(page.getByTestId("feed-skeleton")).toHaveCount(0);
  await expect(cardsTitled(page, "while the history loads")).toHaveCount(1);
  await context.close();
});

test("a toast leaves when its notification is read, here or on another device, archived or muted", async ({ browser }) => {
  const { context, page } = await aliceLive(browser, { viewport: { width: 390, height: 844 } });
  const toast = (title: string) => page.getByTestId("toast").filter({ hasText: title });
  const send = async (title: string) => {
    const res = await postAs(server.url, "/api/notifications", admin, { title, severity: "critical", audience: { kind: "user", userId: ALICE } });
    expect(res.status).toBe(201);
    await expect(toast(title)).toHaveCount(1);
    return ((await res.json()) as { id: string }).id;
  };
  await send("read on the card");
  await cardsTitled(page, "read on the card").locator("xpath=ancestor::article").getByTestId("mark-read").click();
  await expect(toast("read on the card")).toHaveCount(0);
  const elsewhere = await send("read on the phone");
  expect((await postAs(server.url, "/api/notifications/read", alice, { ids: [elsewhere] })).status).toBe(200);
  await expect(toast("read on the phone")).toHaveCount(0);
  await send("archived");
  await cardsTitled(page, "archived").locator("xpath=ancestor::article").getByTestId("archive").click();
  await expect(toast("archived")).toHaveCount(0);
  // Muted: critical ones never are, so an error to a channel she follows, muted in her settings elsewhere.
  const put = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: "PUT", headers: { cookie: alice, origin: server.url, "content-type": "application/json" }, body: JSON.stringify(body) });
  expect((await put("/api/channels", { following: ["ops", "incidents"] })).status).toBe(200);
  expect((await postAs(server.url, "/api/notifications", admin, { title: "then muted", severity: "error", audience: { kind: "channel", channel: "incidents" } })).status).toBe(201);
  await expect(toast("then muted")).toHaveCount(1);
  expect((await put("/api/preferences", { mutedChannels: ["incidents"] })).status).toBe(200);
  await expect(toast("then muted")).toHaveCount(0);
  expect((await put("/api/preferences", { mutedChannels: [] })).status).toBe(200);
  await context.close();
});

test("the admin form drops the last send's confirmation when a new one is refused, and an alert's page outlines h1, h2, h3", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await addCookieHeader(context, server.url, admin);
  const page = await context.newPage();
  await page.goto(`${server.url}/admin`);
  await page.getByTestId("admin-title").fill("the first one");
  await page.getByTestId("admin-send").click();
  await expect(page.getByTestId("admin-result")).toContainText("Sent as");
  const id = (await page.getByTestId("admin-result").innerText()).match(/Sent as (\S+)/)![1]!;
  // A title left empty is refused by the form: nothing of the first send may stay beside that.
  await page.getByTestId("admin-send").click();
  await expect(page.getByTestId("admin-result")).toHaveCount(0);
  await page.goto(`${server.url}/admin/alerts/${id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Who saw it" })).toBeVisible();
  await expect(page.getByTestId("notification-title")).toHaveText("the first one");
  const { violations } = await new AxeBuilder({ page }).withRules(["heading-order"]).analyze();
  expect(violations.map((v) => v.id)).toEqual([]);
  await context.close();
});

test("the Archived view opened offline says why, not \"Nothing archived\", and loads once the network is back", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await addCookieHeader(context, server.url, alice);
  const page = await context.newPage();
  const sent = await postAs(server.url, "/api/notifications", admin, { title: "kept in the archive", audience: { kind: "user", userId: ALICE } });
  const { id } = (await sent.json()) as { id: string };
  expect((await postAs(server.url, "/api/notifications/archive", alice, { ids: [id] })).status).toBe(200);
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId("connection-status")).toHaveText("Live");
  await context.setOffline(true);
  await page.getByTestId("filter-archived").click();
  await expect(page.getByTestId("feed-error")).toHaveText("Could not reach the server: check the connection, then try again.");
  await expect(page.getByText(/Nothing archived/)).toHaveCount(0);
  await context.setOffline(false);
  await expect(cardsTitled(page, "kept in the archive")).toHaveCount(1);
  await expect(page.getByTestId("feed-error")).toHaveCount(0);
  await context.close();
});

test("a \"To\" date before \"From\" says so in the form, over no results", async ({ browser }) => {
  const { context, page } = await aliceLive(browser, { viewport: { width: 1280, height: 860 } });
  await page.getByTestId("search-from").fill("2026-12-10");
  await page.getByTestId("search-to").fill("2026-12-01");
  await expect(page.getByTestId("feed-error")).toHaveText("The “To” date is before the “From” date: pick a later one.");
  await expect(page.getByTestId("notification-item")).toHaveCount(0);
  await context.close();
});

for (const [width, height, shown] of [[390, 844, 2], [1280, 860, 3]] as const) {
  test(`at ${width} px at most ${shown} of three toasts show at once (a phone keeps the newest two)`, async ({ browser }) => {
    const { context, page } = await aliceLive(browser, { viewport: { width, height } });
    const tag = `toasts ${width}`;
    // Critical ones stay until dismissed: nothing here waits on a toast's time running out.
    for (const i of [1, 2, 3]) expect((await postAs(server.url, "/api/notifications", admin, { title: `${tag} ${i}`, severity: "critical", audience: { kind: "user", userId: ALICE } })).status).toBe(201);
    await expect(page.getByTestId("toast").filter({ hasText: `${tag} 3` })).toHaveCount(1);
    await expect(page.locator('[data-testid="toast"]:visible')).toHaveCount(shown);
    await expect(page.getByTestId("toast").filter({ hasText: `${tag} 3` })).toBeVisible();
    await context.close();
  });
}

test("the Channel filter offers the catalog's channels, in the Muted view too", async ({ browser }) => {
  const { context, page } = await aliceLive(browser, { viewport: { width: 1280, height: 860 } });
  await page.getByTestId("filter-muted").click();
  const options = page.getByTestId("filter-channel").locator("option");
  await expect(options).toContainText(["Channel", "Everyone", "#billing", "#deploys", "#incidents", "#ops", "#security"]);
  await context.close();
});

for (const [width, height, scheme] of [[390, 844, "dark"], [1280, 860, "light"]] as const) {
  test(`at ${width} px (${scheme}) the integrations guide reads as a page with this deployment's address, for admins only`, async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width, height }, colorScheme: scheme });
    await addCookieHeader(context, server.url, admin);
    const page = await context.newPage();
    await page.goto(`${server.url}/settings/integrations`);
    const guide = page.getByTestId("integrations-guide");
    await expect(guide.getByRole("heading", { level: 2, name: "Prometheus Alertmanager" })).toBeVisible();
    await expect(guide.locator("pre").first()).toContainText(`${server.url}/api/hooks/alertmanager?channel=ops`);
    await expect(guide).not.toContainText("alerts.example.com");
    await expect(guide).not.toContainText("```");
    // Links to the repository's other documents lead nowhere in the app: none is a link.
    expect(await guide.locator("a").evaluateAll((links) => links.map((a) => a.getAttribute("href")).filter((href) => !/^(https?:|\/)/.test(href ?? "")))).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.screenshot({ path: test.info().outputPath(`integrations-${width}.png`), fullPage: true });
    await context.close();
  });
}

test("members get no integrations guide, only who to ask", async ({ browser }) => {
  const context = await browser.newContext();
  await addCookieHeader(context, server.url, alice);
  const page = await context.newPage();
  await page.goto(`${server.url}/settings/integrations`);
  await expect(page.getByText("needs the admin role")).toBeVisible();
  await expect(page.getByTestId("integrations-guide")).toHaveCount(0);
  await context.close();
});

test("the bell's items can be focused and opened; the menu closes when focus leaves it", async ({ browser }) => {
  const { context, page } = await aliceLive(browser, { viewport: { width: 1280, height: 860 } });
  await postAs(server.url, "/api/notifications", admin, { title: "bell without a link", audience: { kind: "user", userId: ALICE } });
  await postAs(server.url, "/api/notifications", admin, { title: "bell with a link", link: "/settings", audience: { kind: "user", userId: ALICE } });
  await expect(cardsTitled(page, "bell with a link")).toHaveCount(1);
  await page.getByTestId("bell-button").click();
  const items = page.getByTestId("bell-item");
  await expect(items.first()).toHaveText(/bell with a link/);
  await items.nth(1).focus();
  await expect(items.nth(1)).toBeFocused();
  await items.nth(1).press("Enter");
  await expect(page.getByTestId("bell-menu")).toHaveCount(0);
  await expect(cardsTitled(page, "bell without a link")).toBeInViewport();
  // Focus leaving the menu closes it.
  await page.getByTestId("bell-button").click();
  await page.getByTestId("bell-view-all").focus();
  await page.keyboard.press("Tab");
  await expect(page.getByTestId("bell-menu")).toHaveCount(0);
  // Another site's link opens in a new tab that cannot reach this one.
  await postAs(server.url, "/api/notifications", admin, { title: "bell to another site", link: "https://status.example.org/x", audience: { kind: "user", userId: ALICE } });
  await expect(cardsTitled(page, "bell to another site")).toHaveCount(1);
  await page.getByTestId("bell-button").click();
  await expect(items.first()).toHaveAttribute("href", "https://status.example.org/x");
  await expect(items.first()).toHaveAttribute("target", "_blank");
  await expect(items.first()).toHaveAttribute("rel", /noopener/);
  await page.keyboard.press("Escape");
  // A link inside the app opens in this tab.
  await page.getByTestId("bell-button").click();
  await items.nth(1).click();
  await page.waitForURL(`${server.url}/settings`);
  await context.close();
});

test("on a phone the feed's first card starts higher: the filters fold behind a button", async ({ browser }) => {
  const { context, page } = await aliceLive(browser, { viewport: { width: 390, height: 844 } });
  await postAs(server.url, "/api/notifications", admin, { title: "near the top", audience: { kind: "user", userId: ALICE } });
  const card = page.getByTestId("notification-item").first();
  await expect(card).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("phone-top.png") });
  // With the filters in the toolbar it started at y≈367: four rows of controls above it.
  expect((await card.boundingBox())!.y).toBeLessThan(300);
  await page.getByTestId("filters-toggle").click();
  await expect(page.getByTestId("filter-severity")).toBeVisible();
  await context.close();
});

test("a channel box shows the click at once, and goes back with a sentence when the server refuses it", async ({ browser }) => {
  const { context, page } = await aliceLive(browser, { viewport: { width: 1280, height: 860 } });
  const box = page.getByTestId("channel-toggle-security");
  await expect(box).not.toBeChecked();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/channels", async (route) => {
    if (route.request().method() !== "PUT") return route.continue();
    await held;
    await route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: "The notification store is unreachable right now. Try again shortly." }) });
  });
  await box.click();
  await expect(box).toBeChecked();
  release();
  await expect(box).not.toBeChecked();
  await expect(page.getByRole("alert").filter({ hasText: "Try again shortly" })).toBeVisible();
  await context.close();
});

test("desktop notifications are the person's choice on every browser of theirs, and sign-out leaves no trace of who chose", async ({ browser }) => {
  const browsers = [await browser.newContext(), await browser.newContext()];
  for (const context of browsers) {
    await context.grantPermissions(["notifications"], { origin: server.url });
    await addCookieHeader(context, server.url, alice);
  }
  const [laptop, phone] = [await browsers[0]!.newPage(), await browsers[1]!.newPage()];
  await laptop.goto(`${server.url}/settings`);
  await laptop.getByTestId("desktop-notifications-toggle").click();
  await expect(laptop.getByTestId("desktop-notifications-toggle")).toHaveAttribute("aria-pressed", "true");
  await phone.goto(`${server.url}/settings`);
  await expect(phone.getByTestId("desktop-notifications-toggle")).toHaveAttribute("aria-pressed", "true");
  const aliceId = ((await (await fetch(`${server.url}/api/auth/session`, { headers: { cookie: alice } })).json()) as { user: { id: string } }).user.id;
  const stored = await laptop.evaluate(() => Object.entries(localStorage).map(([k, v]) => `${k}=${v}`).join("\n"));
  expect(stored).not.toContain(aliceId);
  // Off again for the other tests of this file.
  await laptop.getByTestId("desktop-notifications-toggle").click();
  await expect(laptop.getByTestId("desktop-notifications-toggle")).toHaveAttribute("aria-pressed", "false");
  for (const context of browsers) await context.close();
});

test("a failed load says why with a Retry that loads at once; the sentence goes when it does", async ({ browser }) => {
  const { context, page } = await aliceLive(browser, { viewport: { width: 390, height: 844 } });
  const sent = await postAs(server.url, "/api/notifications", admin, { title: "archived behind a failed load", audience: { kind: "user", userId: ALICE } });
  const { id } = (await sent.json()) as { id: string };
  expect((await postAs(server.url, "/api/notifications/archive", alice, { ids: [id] })).status).toBe(200);
  let failing = true;
  await page.route("**/api/notifications?*", (route) =>
    failing ? route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: "The notification store is unreachable right now. Try again shortly." }) }) : route.continue(),
  );
  await page.getByTestId("filter-archived").click();
  await expect(page.getByTestId("feed-error")).toHaveText("The notification store is unreachable right now. Try again shortly.");
  failing = false;
  await page.getByTestId("feed-retry").click();
  await expect(page.getByTestId("feed-error")).toHaveCount(0);
  await expect(cardsTitled(page, "archived behind a failed load")).toHaveCount(1);
  await context.close();
});
