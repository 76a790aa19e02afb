// The screen converges: what a person sees equals the server,
// whatever the network did, in Chromium against a production build. Each
// numbered test reproduces one drift that the previous feed had.
import type { BrowserContext, Page } from "@playwright/test";
import type { NextServer } from "../testing/next-server";
import { signInCookie } from "../testing/session";
import type { NotificationPage } from "@/lib/shared/types";
import { addCookieHeader, ALICE, BOB, cardsTitled, expect, postAs, startFaultServer, test } from "./fixtures";

let server: NextServer;
let admin: string;
test.setTimeout(90_000);

test.beforeAll(async () => {
  ({ server, admin } = await startFaultServer());
});
test.afterAll(async () => server?.stop());

const post = (path: string, cookie: string, body: unknown) => postAs(server.url, path, cookie, body);

async function publishTo(email: string, titles: string[]) {
  for (let i = 0; i < titles.length; i += 20) {
    const results = await Promise.all(titles.slice(i, i + 20).map((title) => post("/api/notifications", admin, { title, audience: { kind: "user", userId: email } })));
    for (const res of results) expect(res.status).toBe(201);
  }
}

async function serverPage(cookie: string, query = ""): Promise<NotificationPage> {
  return (await fetch(`${server.url}/api/notifications?limit=100${query}`, { headers: { cookie } })).json();
}

/** One device of a person (a browser context of its own) on the dashboard, live, everything read before. */
async function device(browser: import("@playwright/test").Browser, cookie: string) {
  const context = await browser.newContext();
  await addCookieHeader(context, server.url, cookie);
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId("connection-status")).toHaveText("Live");
  return { context, page };
}

const badge = (page: Page) => page.getByTestId("bell-badge");
const cards = (page: Page, read?: boolean) => page.locator(`[data-testid="notification-item"]${read === undefined ? "" : `[data-read="${read}"]`}`);
const endStreams = async () => expect((await post("/api/admin/diagnostics", admin, { action: "end-streams" })).status).toBe(200);

/** Alice signed in, with desktop notifications allowed by the browser and turned on in her settings. */
async function aliceWithDesktopNotifications(context: BrowserContext): Promise<Page> {
  await context.grantPermissions(["notifications"], { origin: server.url });
  await addCookieHeader(context, server.url, await signInCookie(server.url, ALICE));
  const page = await context.newPage();
  await page.goto(`${server.url}/settings`);
  const toggle = page.getByTestId("desktop-notifications-toggle");
  // Her choice is kept on the server: an earlier test of hers may have turned them on already.
  await expect(toggle).toBeEnabled();
  if ((await toggle.getAttribute("aria-pressed")) !== "true") await toggle.click();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  return page;
}

async function closing(contexts: BrowserContext[], run: () => Promise<void>) {
  try {
    await run();
  } finally {
    for (const c of contexts) await c.close();
  }
}

/** A fresh person for each test: everything of theirs read and archived before. */
async function freshAlice() {
  const cookie = await signInCookie(server.url, ALICE);
  expect((await post("/api/notifications/read", cookie, { all: true })).status).toBe(200);
  expect((await post("/api/notifications/archive", cookie, { allRead: true })).status).toBe(200);
  return cookie;
}

test("1. a device that was offline while another marked all read and archived shows the server's state, not its old copies", async ({ browser }) => {
  const cookie = await freshAlice();
  const a = await device(browser, cookie);
  const b = await device(browser, cookie);
  await closing([a.context, b.context], async () => {
    await publishTo(ALICE, Array.from({ length: 60 }, (_, i) => `offline ${i}`));
    await expect(badge(b.page)).toHaveText("60");
    await b.context.setOffline(true);
    await endStreams();
    await expect(b.page.getByTestId("connection-status")).not.toHaveText("Live");
    await a.page.getByTestId("mark-all-read").click();
    await expect(badge(a.page)).toHaveCount(0);
    await b.context.setOffline(false);
    await expect(b.page.getByTestId("connection-status")).toHaveText("Live");
    await expect(badge(b.page)).toHaveCount(0);
    await b.page.getByTestId("filter-unread").click();
    await expect(cards(b.page)).toHaveCount(0);
    expect((await serverPage(cookie)).unreadCount).toBe(0);
    // Archive read on A reaches B live: nothing left on either, as on the server.
    await b.page.getByTestId("filter-all").click();
    await a.page.getByTestId("archive-read").click();
    await expect(cards(a.page)).toHaveCount(0);
    await expect(cards(b.page)).toHaveCount(0);
    expect((await serverPage(cookie)).items).toHaveLength(0);
  });
});

test("2. a slow history reply does not undo a mark made or a bell opened meanwhile", async ({ browser }) => {
  const cookie = await freshAlice();
  const { context, page } = await device(browser, cookie);
  await closing([context], async () => {
    await publishTo(ALICE, ["slow a", "slow b", "slow c", "slow d", "slow e"]);
    await expect(badge(page)).toHaveText("5");
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let refetches = 0;
    await page.route("**/api/notifications?*", async (route) => {
      refetches++;
      const response = await route.fetch(); // read by the server now, reaching the page later
      await held;
      await route.fulfill({ response });
    });
    // One with a collapse key makes the page fetch the newest page (it may replace one the page does not hold).
    // (A reconnect no longer does: `connected` says the inbox version, and the feed is at it.)
    expect((await post("/api/notifications", admin, { title: "slow f", collapseKey: "slow", audience: { kind: "user", userId: ALICE } })).status).toBe(201);
    await expect.poll(() => refetches).toBeGreaterThan(0);
    await cards(page, false).first().getByTestId("mark-read").click();
    await page.getByTestId("bell-button").click();
    await expect(badge(page)).toHaveCount(0);
    await page.keyboard.press("Escape");
    release(); // later requests pass through the handler at once
    // The bell's seen mark is on its way (the badge went at once): the server has it once it answers.
    await expect.poll(async () => (await serverPage(cookie)).unseenCount).toBe(0);
    const server = await serverPage(cookie);
    // Whatever the late page said, the feed settles on the server's marks.
    await expect(cards(page, true)).toHaveCount(server.items.filter((i) => i.read).length);
    await expect(badge(page)).toHaveCount(0);
  });
});

test("4. the bell's menu closes on an outside click and on Escape anywhere; what arrives while it is open is not counted", async ({ browser }) => {
  const cookie = await freshAlice();
  const { context, page } = await device(browser, cookie);
  await closing([context], async () => {
    await page.getByTestId("bell-button").click();
    await expect(page.getByTestId("bell-menu")).toBeVisible();
    await page.locator("h1, main").first().click({ position: { x: 5, y: 5 }, force: true });
    await expect(page.getByTestId("bell-menu")).toHaveCount(0);
    await page.getByTestId("bell-button").click();
    await page.getByTestId("filter-unread").focus(); // focus outside the menu
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("bell-menu")).toHaveCount(0);
    await page.getByTestId("bell-button").click();
    await publishTo(ALICE, Array.from({ length: 40 }, (_, i) => `while open ${i}`));
    await expect(cardsTitled(page, "while open 39")).toHaveCount(1);
    await expect.poll(async () => (await serverPage(cookie)).unseenCount).toBe(0);
    await expect(badge(page)).toHaveCount(0);
  });
});

test("5. desktop notifications are the person's setting: the next person on the browser starts with them off, and nothing displayed is left behind", async ({ browser }) => {
  const context = await browser.newContext();
  await closing([context], async () => {
    const page = await aliceWithDesktopNotifications(context);
    await page.goto(`${server.url}/`);
    await expect(page.getByTestId("connection-status")).toHaveText("Live");
    await publishTo(ALICE, ["seen before signing out"]);
    await expect.poll(() => page.evaluate(() => Object.keys(localStorage).some((k) => k.startsWith("ntf-acked:")))).toBe(true);
    await page.getByTestId("sign-out").click();
    await page.waitForURL(/\/signin/);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("ntf-acked:")))).toEqual([]);
    await addCookieHeader(context, server.url, await signInCookie(server.url, BOB));
    await page.goto(`${server.url}/settings`);
    await expect(page.getByTestId("desktop-notifications-toggle")).toHaveAttribute("aria-pressed", "false");
  });
});

test("6. the funnel counts people: made-up browser ids add nothing, and a card shown later from history is no latency", async () => {
  const cookie = await freshAlice();
  const [live, later] = [
    await (await post("/api/notifications", admin, { title: "counted once", audience: { kind: "user", userId: ALICE } })).json(),
    await (await post("/api/notifications", admin, { title: "seen from history", audience: { kind: "user", userId: ALICE } })).json(),
  ];
  for (let i = 0; i < 20; i++) {
    const ack = await post("/api/notifications/ack", cookie, { browserId: `made-up-${i}-browser`, displayed: [{ id: live.id, displayedAt: Date.now(), live: true }] });
    expect(ack.status).toBe(200);
  }
  expect((await post("/api/notifications/ack", cookie, { browserId: "a-real-browser", displayed: [{ id: later.id, displayedAt: Date.now() }] })).status).toBe(200);
  const funnelOf = async (id: string) => (await (await fetch(`${server.url}/api/admin/alerts/${id}`, { headers: { cookie: admin } })).json()).alert.funnel;
  const counted = await funnelOf(live.id);
  expect(counted.displayed).toBe(1);
  expect(counted.displayLatencyMs).not.toBeNull();
  const fromHistory = await funnelOf(later.id);
  expect(fromHistory.displayed).toBe(1);
  expect(fromHistory.displayLatencyMs).toBeNull();
});

test("7. the tab title counts unread, the chart counts what just arrived, and a phone's header and filters keep to their rows", async ({ browser }) => {
  const cookie = await freshAlice();
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await addCookieHeader(context, server.url, cookie);
  await closing([context], async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await expect(page.getByTestId("connection-status")).toHaveText("Live");
    await publishTo(ALICE, ["title one", "title two", "title three"]);
    await expect(badge(page)).toHaveText("3");
    await page.getByTestId("bell-button").click();
    await expect(badge(page)).toHaveCount(0);
    await expect(page).toHaveTitle(/^\(3\) /); // seen, still unread
    await expect(page.getByText("3 received")).toBeVisible();
    // The header's last control sits on the first row's line; the filters take at most two rows.
    await page.screenshot({ path: "test-results/convergence-phone.png", fullPage: true });
    const header = await page.locator("body > div header, header").first().boundingBox();
    const signOut = await page.getByTestId("sign-out").boundingBox();
    expect(signOut!.y + signOut!.height).toBeLessThanOrEqual(header!.y + header!.height);
    expect(signOut!.y - header!.y).toBeLessThan(header!.height / 2);
    const toolbar = await page.getByTestId("feed-toolbar").boundingBox();
    const row = (await page.getByTestId("filter-all").boundingBox())!.height;
    expect(toolbar!.height).toBeLessThan(row * 2.6);
    await page.screenshot({ path: "test-results/convergence-phone.png", fullPage: true });
  });
});

test("6. a stream that reconnects with nothing changed fetches no page; one that missed a mark fetches it", async ({ browser }) => {
  const cookie = await freshAlice();
  const { context, page } = await device(browser, cookie);
  await closing([context], async () => {
    await publishTo(ALICE, ["rotate a"]);
    await expect(badge(page)).toHaveText("1");
    const pages: string[] = [];
    page.on("request", (r) => r.url().includes("/api/notifications?") && pages.push(r.url()));
    // Every stream ends as a planned rotation does; the next resumes by id. What is sent next arrives live,
    // so the new stream's `connected` (which would have asked for a page) came before it.
    await endStreams();
    await publishTo(ALICE, ["rotate b"]);
    await expect(cardsTitled(page, "rotate b")).toHaveCount(1);
    await expect(badge(page)).toHaveText("2");
    expect(pages).toEqual([]);

    // Away while another device marks everything read: its stream ends and cannot come back until the mark is
    // made, so its event is missed, and the next `connected` says a newer version: the page is fetched.
    let refused = 0;
    await page.route("**/api/events*", (route) => (refused++, route.abort()));
    await endStreams();
    await expect.poll(() => refused).toBeGreaterThan(0);
    expect((await post("/api/notifications/read", cookie, { all: true })).status).toBe(200);
    await page.unroute("**/api/events*");
    await expect.poll(() => pages.length).toBeGreaterThan(0);
    await expect(badge(page)).toHaveCount(0);
    await expect(cards(page, true)).toHaveCount(2);
  });
});

// The server ends a session's streams before it answers the sign-out, so the stream's 401 could reach the
// tab first: the tab left on it, and its own sign-out's navigation then aborted that one (a failed CI run),
// or the page went before it forgot what it had displayed.
test("8. signing out while the sign-out's answer is slow: the stream's 401 comes first, and the tab still leaves once, having forgotten what it displayed", async ({ browser }) => {
  const context = await browser.newContext();
  await closing([context], async () => {
    const page = await aliceWithDesktopNotifications(context);
    await page.goto(`${server.url}/`);
    await expect(page.getByTestId("connection-status")).toHaveText("Live");
    await publishTo(ALICE, ["displayed before signing out"]);
    await expect.poll(() => page.evaluate(() => Object.keys(localStorage).some((k) => k.startsWith("ntf-acked:")))).toBe(true);
    // The sign-out is recorded (and the stream ended) at once; its answer reaches the tab only after the stream's 401.
    let streamRefused = false;
    page.on("response", (res) => {
      if (new URL(res.url()).pathname === "/api/events" && res.status() === 401) streamRefused = true;
    });
    await page.route("**/api/auth/signout", async (route) => {
      const response = await route.fetch();
      await expect.poll(() => streamRefused).toBe(true);
      await route.fulfill({ response });
    });
    const toSignIn: string[] = [];
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame() && new URL(frame.url()).pathname === "/signin") toSignIn.push(frame.url());
    });
    await page.getByTestId("sign-out").click();
    await page.waitForURL(/\/signin$/);
    expect(toSignIn).toEqual([`${server.url}/signin`]);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("ntf-acked:")))).toEqual([]);
  });
});
