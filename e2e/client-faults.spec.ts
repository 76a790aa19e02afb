// The browser side under faults, each reproduced in
// Chromium against a production build: failed and slow history and
// mark-read requests, cut streams, lost sessions, bursts, planned rotations,
// a network that comes back, and a refused stream.
import type { BrowserContext, Page, Route } from "@playwright/test";
import { startNextServer, type NextServer } from "../testing/next-server";
import { signInCookie } from "../testing/session";
import { collect } from "../testing/sse-reader";
import { NO_ANSWER } from "@/lib/client/api-client";
import { countLabel } from "@/lib/client/feed-state";
import { addCookieHeader, ALICE, cardsTitled, expect, postAs, startFaultServer, test } from "./fixtures";

let server: NextServer;
let admin: string;
test.setTimeout(90_000);

test.beforeAll(async () => {
  ({ server, admin } = await startFaultServer());
});
test.afterAll(async () => server?.stop());


async function publishToAlice(titles: string[], base = server.url, sender = admin) {
  for (let i = 0; i < titles.length; i += 20) {
    const results = await Promise.all(titles.slice(i, i + 20).map((title) => postAs(base, "/api/notifications", sender, { title, audience: { kind: "user", userId: ALICE } })));
    for (const res of results) expect(res.status).toBe(201);
  }
}

/** Alice in a fresh context with everything already read, on the dashboard and live. */
async function aliceLive(browser: import("@playwright/test").Browser, setup?: (page: Page) => Promise<void>, base = server.url) {
  const context = await browser.newContext();
  const cookie = await signInCookie(base, ALICE);
  await addCookieHeader(context, base, cookie);
  expect((await postAs(base, "/api/notifications/read", cookie, { all: true })).status).toBe(200);
  const page = await context.newPage();
  await setup?.(page);
  await page.goto(`${base}/`);
  await expect(page.getByTestId("connection-status")).toHaveText("Live");
  return { context, page, cookie };
}

const badge = (page: Page) => page.getByTestId("bell-badge");
const endStreams = async () => expect((await postAs(server.url, "/api/admin/diagnostics", admin, { action: "end-streams" })).status).toBe(200);

/** Everything read elsewhere while this browser's stream is down: read events are not replayed, so its next `connected` says a change was missed. */
async function readAllElsewhereWhileOffline(context: BrowserContext, page: Page, cookie: string) {
  await context.setOffline(true);
  await endStreams();
  await expect(page.getByTestId("connection-status")).not.toHaveText("Live");
  expect((await postAs(server.url, "/api/notifications/read", cookie, { all: true })).status).toBe(200);
  await context.setOffline(false);
}

async function closing(context: BrowserContext, run: () => Promise<void>) {
  try {
    await run();
  } finally {
    await context.close();
  }
}

test("8. a failed first history page replays nothing as unread, and its error clears once history loads", async ({ browser }) => {
  const cookie = await signInCookie(server.url, ALICE);
  await publishToAlice(Array.from({ length: 7 }, (_, i) => `already read ${i}`));
  expect((await postAs(server.url, "/api/notifications/read", cookie, { all: true })).status).toBe(200);
  const context = await browser.newContext();
  await addCookieHeader(context, server.url, cookie);
  await closing(context, async () => {
    const page = await context.newPage();
    let failing = true;
    await page.route("**/api/notifications?*", (route) =>
      failing ? route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: "The store is unavailable." }) }) : route.continue(),
    );
    await page.goto(`${server.url}/`);
    await expect(page.getByTestId("feed-error")).toHaveText("The store is unavailable.");
    await expect(page.getByTestId("connection-status")).toHaveText("Live");
    // The stream is live and resumed from nothing it did not know: no old notification came as new. The
    // cards shown are the page's HTML's own (rendered on the server), read as they are.
    await page.waitForTimeout(1_000);
    await expect(page.getByTestId("notification-item")).toHaveCount(7);
    await expect(page.locator('[data-testid="notification-item"][data-read="false"]')).toHaveCount(0);
    await expect(page.getByTestId("toast")).toHaveCount(0);
    failing = false;
    await expect(cardsTitled(page, "already read 6")).toHaveCount(1, { timeout: 15_000 });
    await expect(page.getByTestId("feed-error")).toHaveCount(0);
    await expect(badge(page)).toHaveCount(0);
    await expect(page.getByTestId("toast")).toHaveCount(0);
    await expect(page.locator('[data-testid="notification-item"][data-read="false"]')).toHaveCount(0);
  });
});

test("9. a notification that arrives while a reset's history request is slow stays in the feed", async ({ browser }) => {
  // A short history, and a bus pause long enough for it to be trimmed past: the server answers with `reset`.
  const trimmed = await startNextServer({ HISTORY_MAX: "20", DIAGNOSTICS: "1", RATE_PUBLISH_PER_MIN: "100000" });
  try {
    const trimmedAdmin = await signInCookie(trimmed.url, "admin@example.com");
    const { context, page, cookie } = await aliceLive(browser, undefined, trimmed.url);
    await closing(context, async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let refetches = 0;
      // The server answers at once; the answer reaches the page late, older than what arrives live meanwhile.
      await page.route("**/api/notifications?*", async (route) => {
        refetches++;
        const response = await route.fetch();
        await held;
        await route.fulfill({ response });
      });
      expect((await postAs(trimmed.url, "/api/admin/diagnostics", trimmedAdmin, { action: "pause-bus", seconds: 2 })).status).toBe(200);
      await publishToAlice(Array.from({ length: 30 }, (_, i) => `trimmed ${i}`), trimmed.url, trimmedAdmin);
      await expect.poll(() => refetches, { timeout: 10_000 }).toBeGreaterThan(0);
      await publishToAlice(["arrived during a slow refetch"], trimmed.url, trimmedAdmin);
      await expect(cardsTitled(page, "arrived during a slow refetch")).toHaveCount(1);
      release();
      await expect(cardsTitled(page, "trimmed 29")).toHaveCount(1);
      await page.waitForTimeout(500);
      await expect(cardsTitled(page, "arrived during a slow refetch")).toHaveCount(1);
      // History this short forgets unread ones as it trims; the next reconnect's count is the server's.
      await page.unroute("**/api/notifications?*");
      expect((await postAs(trimmed.url, "/api/admin/diagnostics", trimmedAdmin, { action: "rotate-streams" })).status).toBe(200);
      const server = (await (await fetch(`${trimmed.url}/api/notifications?limit=1`, { headers: { cookie } })).json()) as { unreadCount: number };
      await expect(badge(page)).toHaveText(countLabel(server.unreadCount));
    });
  } finally {
    await trimmed.stop();
  }
});

test("10. the badge equals the server's count after a reconnect, a stale mark-read reply and a failed mark-read", async ({ browser }) => {
  const { context, page, cookie } = await aliceLive(browser);
  await closing(context, async () => {
    await publishToAlice(["drift a", "drift b", "drift c"]);
    await expect(badge(page)).toHaveText("3");

    await readAllElsewhereWhileOffline(context, page, cookie);
    await expect(page.getByTestId("connection-status")).toHaveText("Live");
    await expect(badge(page)).toHaveCount(0);

    // A slow reply carries an older count than the read event that overtook it.
    await publishToAlice(["stale a", "stale b"]);
    await expect(badge(page)).toHaveText("2");
    let replied!: () => void;
    const replyHeld = new Promise<void>((r) => (replied = r));
    await page.route("**/api/notifications/read", async (route: Route) => {
      const response = await route.fetch();
      await replyHeld;
      await route.fulfill({ response });
    });
    await page.locator('[data-testid="notification-item"][data-read="false"]').first().getByTestId("mark-read").click();
    await expect(badge(page)).toHaveText("1");
    expect((await postAs(server.url, "/api/notifications/read", cookie, { all: true })).status).toBe(200);
    await expect(badge(page)).toHaveCount(0);
    replied();
    await page.waitForTimeout(1_000);
    await expect(badge(page)).toHaveCount(0);
    await page.unroute("**/api/notifications/read");

    // A failed mark-read is undone.
    await publishToAlice(["undo a", "undo b"]);
    await expect(badge(page)).toHaveText("2");
    await page.route("**/api/notifications/read", (route) =>
      route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: "The store is unavailable." }) }),
    );
    await page.getByTestId("mark-all-read").click();
    await expect(page.getByTestId("feed-error")).toHaveText("The store is unavailable.");
    await expect(badge(page)).toHaveText("2");
    await expect(page.locator('[data-testid="notification-item"][data-read="false"]')).toHaveCount(2);
  });
});

test("15. a page request never answered (an instance that hung, a connection that died without a word) is given up and asked again: the feed goes on catching up", async ({ browser }) => {
  const { context, page, cookie } = await aliceLive(browser);
  await closing(context, async () => {
    await publishToAlice(["read while the page hangs"]);
    await expect(badge(page)).toHaveText("1");
    let hung!: () => void;
    const hanging = new Promise<void>((resolve) => (hung = resolve));
    let answered = 0;
    await page.route("**/api/notifications?*", (route) => {
      // The first is never answered; the ones after it are.
      if (answered++ === 0) return hung();
      return route.continue();
    });
    // The page asked for when the stream connects again is the one that hangs.
    await readAllElsewhereWhileOffline(context, page, cookie);
    await hanging;
    await expect(page.getByTestId("connection-status")).toHaveText("Live");
    await expect(badge(page)).toHaveCount(0, { timeout: 45_000 });
    await expect(page.locator('[data-testid="notification-item"][data-read="false"]')).toHaveCount(0);
    await expect(page.getByTestId("feed-error")).toHaveCount(0);
  });
});

test("16. a change never answered is given up: the feed, which asks for no page while a change of its own is on its way, goes on catching up", async ({ browser }) => {
  const { context, page, cookie } = await aliceLive(browser);
  await closing(context, async () => {
    await publishToAlice(["marked here, never answered", "read elsewhere meanwhile"]);
    await expect(badge(page)).toHaveText("2");
    let hung!: () => void;
    const hanging = new Promise<void>((resolve) => (hung = resolve));
    await page.route("**/api/notifications/read", () => hung());
    await page.locator('[data-testid="notification-item"][data-read="false"]').first().getByTestId("mark-read").click();
    await hanging;
    await expect(badge(page)).toHaveText("1");
    // A change missed while the stream was down: the page that tells it waits until no change of this tab's is on its way.
    await readAllElsewhereWhileOffline(context, page, cookie);
    await expect(page.getByTestId("connection-status")).toHaveText("Live");
    // Given up, the mark is undone and the person told so; the page it held back follows.
    await expect(page.getByTestId("feed-error")).toHaveText(NO_ANSWER, { timeout: 45_000 });
    await expect(badge(page)).toHaveCount(0);
    await expect(page.locator('[data-testid="notification-item"][data-read="false"]')).toHaveCount(0);
  });
});

test("11. a session that ended sends the person to /signin instead of reconnecting for ever", async ({ browser }) => {
  const { context, page } = await aliceLive(browser);
  await closing(context, async () => {
    await context.clearCookies();
    await endStreams();
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2F$/);
  });
});

test("12. a burst of 300: the feed stays bounded, toasts fold into one with the count, the badge says 99+, older items page in", async ({ browser }) => {
  const { context, page } = await aliceLive(browser);
  await closing(context, async () => {
    const titles = Array.from({ length: 300 }, (_, i) => `burst ${i}`);
    await publishToAlice(titles);
    // Counts stop at 100 (docs/api.md): the badge and the title say so.
    await expect(badge(page)).toHaveText("99+");
    await expect(page).toHaveTitle(/^\(99\+\) /);
    await expect(cardsTitled(page, "burst 299")).toHaveCount(1);
    expect(await page.getByTestId("notification-item").count()).toBeLessThanOrEqual(100);
    // The burst folds into one toast that counted them (those of the first moments may have toasted on their own).
    await expect(page.getByTestId("toast")).toHaveCount(1);
    const folded = Number((await page.getByTestId("toast").innerText()).match(/(\d+) new notifications/)?.[1]);
    expect(folded).toBeGreaterThan(250);
    const before = await page.getByTestId("notification-item").count();
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => page.getByTestId("notification-item").count()).toBeGreaterThan(before);
  });
});

test.describe("with short streams and one device per user", () => {
  let short: NextServer;
  test.beforeAll(async () => {
    short = await startNextServer({ SSE_MAX_DURATION_S: "4", MAX_CONNECTIONS_PER_USER: "1", RATE_CONNECT_PER_MIN: "100000" });
  });
  test.afterAll(async () => short?.stop());

  test("14b. a returning network reconnects at once, without waiting out the backoff", async ({ browser }) => {
    const { context, page } = await aliceLive(browser, undefined, short.url);
    await closing(context, async () => {
      // Offline long enough (streams rotate every few seconds, and fail to come back) for the backoff to grow.
      await context.setOffline(true);
      await expect(page.getByTestId("connection-status")).toHaveText(/Offline · retrying in ([5-9]|\d\d) s/, { timeout: 40_000 });
      await context.setOffline(false);
      await expect(page.getByTestId("connection-status")).toHaveText("Live", { timeout: 2_000 });
    });
  });

  test("13. planned rotations are silent: the indicator stays Live, and no page is fetched, even while an alert waits for someone", async ({ browser }) => {
    // A dropped stream with such an alert held fetches the page (an acknowledgement made meanwhile is in no log): a rotation must not.
    const shortAdmin = await signInCookie(short.url, "admin@example.com");
    expect((await postAs(short.url, "/api/notifications", shortAdmin, { title: "Waiting for someone", severity: "critical", audience: { kind: "user", userId: ALICE } })).status).toBe(201);
    const { context, page } = await aliceLive(browser, undefined, short.url);
    await closing(context, async () => {
      await expect(page.getByTestId("acknowledge")).toBeVisible();
      let opened = 0;
      const pagesFetched: string[] = [];
      page.on("request", (r) => r.url().includes("/api/events") && opened++);
      page.on("request", (r) => new URL(r.url()).pathname === "/api/notifications" && pagesFetched.push(r.url()));
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { statuses: string[] }).statuses = seen;
        const status = document.querySelector('[data-testid="connection-status"]')!;
        new MutationObserver(() => seen.push(status.textContent ?? "")).observe(status, { subtree: true, characterData: true, childList: true });
      });
      await expect.poll(() => opened, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
      expect(await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses.filter((s) => s !== "Live"))).toEqual([]);
      expect(pagesFetched).toEqual([]);
    });
  });
});

// Regression: with 4 s streams, the holder's stream could rotate (and free its slot) before a busy page looked.
test.describe("with one device per user", () => {
  let single: NextServer;
  test.beforeAll(async () => {
    single = await startNextServer({ MAX_CONNECTIONS_PER_USER: "1", RATE_CONNECT_PER_MIN: "100000" });
  });
  test.afterAll(async () => single?.stop());

  test("14. a refused stream says too many devices and waits for Retry-After", async ({ browser }) => {
    const cookie = await signInCookie(single.url, ALICE);
    const holder = new AbortController();
    const held = await fetch(`${single.url}/api/events`, { headers: { cookie }, signal: holder.signal });
    expect(held.status).toBe(200);
    collect(held.body!);
    const context = await browser.newContext();
    await addCookieHeader(context, single.url, cookie);
    await closing(context, async () => {
      const page = await context.newPage();
      let opened = 0;
      page.on("request", (r) => r.url().includes("/api/events") && opened++);
      await page.goto(`${single.url}/`);
      await expect(page.getByTestId("connection-status")).toContainText("Too many devices connected: close one.");
      // Its retry is planned after Retry-After (10 s), not the backoff's first second.
      await expect(page.getByTestId("connection-status")).toContainText(/Retrying in ([3-9]|10) s/);
      expect(opened).toBe(1);
      holder.abort();
      await expect(page.getByTestId("connection-status")).toHaveText("Live", { timeout: 15_000 });
      expect(opened).toBe(2);
    });
  });
});

test("a sign-out the server could not record says so and stays, rather than pretending", async ({ browser }) => {
  const { context, page } = await aliceLive(browser);
  await closing(context, async () => {
    await page.route("**/api/auth/signout", (route) =>
      route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: "The store is unreachable. Try again in 5 s." }) }),
    );
    await page.getByTestId("sign-out").click();
    await expect(page.getByRole("alert").filter({ hasText: "The store is unreachable" })).toBeVisible();
    await expect(page).toHaveURL(`${server.url}/`);
    await expect(page.getByTestId("sign-out")).toBeEnabled();
  });
});
