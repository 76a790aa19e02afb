// One browser, one stream: tabs share the connection, hand it
// over without loss, fall back to a stream each without Web Locks, alert
// once, and end together on sign-out. Against `next start` over plain
// HTTP/1.1, in Debian's Chromium.
import { chromium, type BrowserContext, type Page } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "../testing/chromium";
import { startNextServer, type NextServer } from "../testing/next-server";
import { signInCookie } from "../testing/session";
import { collect } from "../testing/sse-reader";
import type { Stats } from "@/lib/shared/types";
import { addCookieHeader, cardsTitled, expect, test } from "./fixtures";

let server: NextServer;
let admin: string;
test.describe.configure({ mode: "serial" });
test.setTimeout(90_000);

test.beforeAll(async () => {
  server = await startNextServer({ DIAGNOSTICS: "1", RATE_CONNECT_PER_MIN: "100000", RATE_PUBLISH_PER_MIN: "100000", RATE_READ_PER_MIN: "100000" });
  admin = await signInCookie(server.url, "admin@example.com");
});
test.afterAll(async () => server?.stop());

async function streams(): Promise<number> {
  const stats = (await (await fetch(`${server.url}/api/admin/stats`, { headers: { cookie: admin } })).json()) as Stats;
  return stats.connections.total;
}

async function publish(title: string, audience: Record<string, string> = { kind: "all" }) {
  const res = await fetch(`${server.url}/api/notifications`, {
    method: "POST",
    headers: { cookie: admin, origin: server.url, "content-type": "application/json" },
    body: JSON.stringify({ title, audience }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

/** A browser context signed in as `email` (a fresh session each). */
async function signedIn(browser: import("@playwright/test").Browser, email: string, options: { withoutWebLocks?: boolean } = {}) {
  const context = await browser.newContext();
  const cookie = await signInCookie(server.url, email);
  await addCookieHeader(context, server.url, cookie);
  if (options.withoutWebLocks) await context.addInitScript(() => Object.defineProperty(Navigator.prototype, "locks", { get: () => undefined }));
  return { context, cookie };
}

async function openTabs(context: BrowserContext, count: number): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) {
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    pages.push(page);
  }
  for (const page of pages) await expect(page.getByTestId("connection-status")).toHaveText("Live");
  return pages;
}


test("12 tabs of one member load, go live on one stream, and each shows a notification once", async ({ browser }) => {
  const { context } = await signedIn(browser, "alice@example.com");
  try {
    const pages = await openTabs(context, 12);
    await expect.poll(streams).toBe(1);
    await publish("to twelve tabs");
    for (const page of pages) {
      await expect(cardsTitled(page, "to twelve tabs")).toHaveCount(1);
      await expect(page).toHaveTitle(/^\(\d+\) Live notifications$/);
    }
  } finally {
    await context.close();
  }
  await expect.poll(streams).toBe(0);
});

test("closing the tab that holds the stream while notifications are published: another takes over, every tab has each once", async ({ browser }) => {
  const { context } = await signedIn(browser, "alice@example.com");
  try {
    // The tab that leads is the one whose script asked for the lock first, not always the first opened (a busy machine
    // hydrates them in any order): it is the one that opened the stream.
    const streamers = new Set<Page>();
    context.on("request", (r) => r.url().includes("/api/events") && streamers.add(r.frame().page()));
    const pages = await openTabs(context, 4);
    expect(streamers.size).toBe(1);
    const leader = [...streamers][0]!;
    const others = pages.filter((page) => page !== leader);
    let tookOverAt = 0;
    for (const page of others) page.on("request", (r) => r.url().includes("/api/events") && !tookOverAt && (tookOverAt = Date.now()));
    const titles = Array.from({ length: 30 }, (_, i) => `handover ${i}`);
    const publishing = (async () => {
      for (const title of titles) {
        await publish(title);
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    const closedAt = Date.now();
    await leader.close();
    await publishing;
    for (const page of others) for (const title of titles) await expect(cardsTitled(page, title)).toHaveCount(1);
    console.log(`handover: another tab asked for the stream ${tookOverAt - closedAt} ms after the leader closed`);
    expect(tookOverAt).toBeGreaterThan(0);
    await expect.poll(streams).toBe(1);
  } finally {
    await context.close();
  }
});

test("two browsers of one member hold one stream each; a browser without Web Locks holds one per tab and still works", async ({ browser }) => {
  const first = await signedIn(browser, "bob@example.com");
  const second = await signedIn(browser, "bob@example.com");
  const legacy = await signedIn(browser, "bob@example.com", { withoutWebLocks: true });
  try {
    const pages = [...(await openTabs(first.context, 2)), ...(await openTabs(second.context, 2))];
    await expect.poll(streams).toBe(2);
    const legacyPages = await openTabs(legacy.context, 3);
    await expect.poll(streams).toBe(5);
    await publish("to every browser");
    for (const page of [...pages, ...legacyPages]) await expect(cardsTitled(page, "to every browser")).toHaveCount(1);
  } finally {
    await Promise.all([first.context.close(), second.context.close(), legacy.context.close()]);
  }
});

test("reached by plain http under a network name (no secure context: no Web Locks, no randomUUID), each tab holds its own stream and is live", async () => {
  // A name the browser does not count as trustworthy, as a team's http://notify.internal:3000 would be.
  const port = new URL(server.url).port;
  const plainUrl = `http://notify.internal:${port}`;
  const insecure = await chromium.launch({ ...CHROMIUM_LAUNCH, args: [...CHROMIUM_LAUNCH.args, "--host-resolver-rules=MAP notify.internal 127.0.0.1"] });
  try {
    const context = await insecure.newContext();
    await addCookieHeader(context, plainUrl, await signInCookie(server.url, "bob@example.com"));
    const pageErrors: string[] = [];
    const tabs: Page[] = [];
    for (let i = 0; i < 2; i++) {
      const page = await context.newPage();
      page.on("pageerror", (error) => pageErrors.push(error.message));
      await page.goto(`${plainUrl}/`);
      expect(await page.evaluate(() => [window.isSecureContext, typeof navigator.locks])).toEqual([false, "undefined"]);
      tabs.push(page);
    }
    for (const page of tabs) await expect(page.getByTestId("connection-status")).toHaveText("Live");
    await publish("over plain http");
    for (const page of tabs) await expect(cardsTitled(page, "over plain http")).toHaveCount(1);
    expect(pageErrors).toEqual([]);
  } finally {
    await insecure.close();
  }
});

test("a new notification toasts only in the tab the person is looking at", async ({ browser }) => {
  const { context } = await signedIn(browser, "alice@example.com");
  try {
    const pages = await openTabs(context, 3);
    // Playwright tells every page it has focus; here only the last one keeps it.
    for (const page of pages.slice(0, 2)) await (await context.newCDPSession(page)).send("Emulation.setFocusEmulationEnabled", { enabled: false });
    await pages[2]!.bringToFront();
    await publish("look here");
    await expect(pages[2]!.getByTestId("toast").filter({ hasText: "look here" })).toHaveCount(1);
    for (const page of pages) await expect(cardsTitled(page, "look here")).toHaveCount(1);
    for (const page of pages.slice(0, 2)) await expect(page.getByTestId("toast")).toHaveCount(0);
  } finally {
    await context.close();
  }
});

test("a frozen tab hands the stream on, and catches up once when it wakes", async ({ browser }) => {
  const { context } = await signedIn(browser, "alice@example.com");
  try {
    const [leader, follower] = (await openTabs(context, 2)) as [Page, Page];
    const frozen = await context.newCDPSession(leader);
    await frozen.send("Page.setWebLifecycleState", { state: "frozen" });
    await publish("while frozen");
    await expect(cardsTitled(follower, "while frozen")).toHaveCount(1);
    await frozen.send("Page.setWebLifecycleState", { state: "active" });
    await expect(cardsTitled(leader, "while frozen")).toHaveCount(1);
    await publish("after waking");
    for (const page of [leader, follower]) await expect(cardsTitled(page, "after waking")).toHaveCount(1);
    await expect.poll(streams).toBe(1);
  } finally {
    await context.close();
  }
});

test("a tab paused while another marks all read shows them read once it runs again (what the channel carried meanwhile is lost)", async ({ browser }) => {
  const { context, cookie } = await signedIn(browser, "alice@example.com");
  try {
    // One after the other, so the first holds the stream (opened together, either may take the lock first).
    const [leader] = (await openTabs(context, 1)) as [Page];
    const [follower] = (await openTabs(context, 1)) as [Page];
    const paused = await context.newCDPSession(follower);
    await paused.send("Debugger.enable");
    const pausedNow = new Promise((resolve) => paused.once("Debugger.paused", resolve));
    await paused.send("Debugger.pause");
    // The relayed notification runs the follower's script, which stops there.
    await publish("before the marks");
    await pausedNow;
    await expect(cardsTitled(leader, "before the marks")).toHaveCount(1);
    const read = await fetch(`${server.url}/api/notifications/read`, {
      method: "POST",
      headers: { cookie, origin: server.url, "content-type": "application/json" },
      body: JSON.stringify({ all: true }),
    });
    expect(read.status).toBe(200);
    await expect(leader.getByTestId("bell-badge")).toHaveCount(0);
    await paused.send("Debugger.resume");
    await paused.send("Debugger.disable");
    // Nothing more is published: the leader's next "alive" (on a heartbeat) is what tells the follower it missed some.
    await expect(follower.getByTestId("bell-badge")).toHaveCount(0, { timeout: 30_000 });
    await expect(follower.locator('[data-testid="notification-item"][data-read="false"]')).toHaveCount(0);
  } finally {
    await context.close();
  }
});

test("signing out in one tab sends every tab to /signin, ends the session's streams, and its old cookie gets 401", async ({ browser }) => {
  const { context, cookie } = await signedIn(browser, "bob@example.com");
  try {
    const pages = await openTabs(context, 3);
    const raw = await fetch(`${server.url}/api/events`, { headers: { cookie } });
    expect(raw.status).toBe(200);
    const copied = collect(raw.body!);
    await copied.waitFor((e) => e.some((x) => x.event === "connected"));
    await expect.poll(streams).toBe(2);
    await pages[1]!.getByTestId("sign-out").click();
    for (const page of pages) await expect(page).toHaveURL(/\/signin/);
    await copied.ended;
    await expect.poll(streams).toBe(0);
    expect((await fetch(`${server.url}/api/events`, { headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${server.url}/api/notifications`, { headers: { cookie } })).status).toBe(401);
  } finally {
    await context.close();
  }
});

test("a hung tab that holds the stream (its script paused) has it taken over; when it wakes it follows", async ({ browser }) => {
  // Heartbeats every second: a leader silent for 3 of them (+5 s) is presumed hung.
  const beating = await startNextServer({ SSE_HEARTBEAT_MS: "1000", RATE_PUBLISH_PER_MIN: "100000" });
  try {
    const beatingAdmin = await signInCookie(beating.url, "admin@example.com");
    const context = await browser.newContext();
    await addCookieHeader(context, beating.url, await signInCookie(beating.url, "alice@example.com"));
    const [leader, follower] = [await context.newPage(), await context.newPage()];
    for (const page of [leader, follower]) {
      await page.goto(`${beating.url}/`);
      await expect(page.getByTestId("connection-status")).toHaveText("Live");
    }
    const debuggerSession = await context.newCDPSession(leader);
    await debuggerSession.send("Debugger.enable");
    await debuggerSession.send("Debugger.pause");
    const send = (title: string) =>
      fetch(`${beating.url}/api/notifications`, {
        method: "POST",
        headers: { cookie: beatingAdmin, origin: beating.url, "content-type": "application/json" },
        body: JSON.stringify({ audience: { kind: "all" }, title }),
      });
    expect((await send("while the leader hangs")).status).toBe(201);
    await expect(cardsTitled(follower, "while the leader hangs")).toHaveCount(1, { timeout: 30_000 });
    // Regression: more arrive while it is still paused; it must not miss them for good when it wakes.
    for (let i = 0; i < 6; i++) expect((await send(`still hung ${i}`)).status).toBe(201);
    await expect(cardsTitled(follower, "still hung 5")).toHaveCount(1);
    await debuggerSession.send("Debugger.resume");
    expect((await send("after it woke")).status).toBe(201);
    for (const page of [leader, follower]) {
      await expect(cardsTitled(page, "while the leader hangs")).toHaveCount(1);
      for (let i = 0; i < 6; i++) await expect(cardsTitled(page, `still hung ${i}`)).toHaveCount(1);
      await expect(cardsTitled(page, "after it woke")).toHaveCount(1);
      await expect(page.getByTestId("bell-badge")).toHaveText(await follower.getByTestId("bell-badge").innerText());
    }
    await context.close();
  } finally {
    await beating.stop();
  }
});

test("a tab whose browser signed in as someone else meanwhile never shows that account's notifications", async ({ browser }) => {
  const { context } = await signedIn(browser, "alice@example.com");
  try {
    const [aliceTab] = await openTabs(context, 1);
    // Another tab of the same browser signs in as Bob: the cookie is now Bob's.
    await addCookieHeader(context, server.url, await signInCookie(server.url, "bob@example.com"));
    await publish("for bob only", { kind: "user", userId: "bob@example.com" });
    const endStreams = await fetch(`${server.url}/api/admin/diagnostics`, {
      method: "POST",
      headers: { cookie: admin, origin: server.url, "content-type": "application/json" },
      body: JSON.stringify({ action: "rotate-streams" }),
    });
    expect(endStreams.status).toBe(200);
    // The tab reloads as Bob's dashboard rather than showing Bob's notifications under Alice's name.
    await expect(aliceTab!.getByText("Bob · member")).toBeVisible();
    await expect(aliceTab!.getByText("Alice · member")).toHaveCount(0);
  } finally {
    await context.close();
  }
});
