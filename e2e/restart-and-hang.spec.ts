// The screen converges after the two faults a browser cannot see coming: the
// server restarted with an empty embedded store, and the tab holding the
// stream hung (its script paused) while 30 alerts came. Afterwards every tab
// shows the server's newest page and its unread count.
import type { Page } from "@playwright/test";
import { startNextServer, type NextServer } from "../testing/next-server";
import { signInCookie } from "../testing/session";
import type { NotificationPage } from "@/lib/shared/types";
import { addCookieHeader, ALICE, cardsTitled, expect, postAs, test } from "./fixtures";

test.setTimeout(120_000);

const LIMITS = { RATE_CONNECT_PER_MIN: "100000", RATE_PUBLISH_PER_MIN: "100000", RATE_READ_PER_MIN: "100000" };

async function publishTo(server: NextServer, admin: string, titles: string[]) {
  const results = await Promise.all(titles.map((title) => postAs(server.url, "/api/notifications", admin, { title, audience: { kind: "user", userId: ALICE } })));
  for (const res of results) expect(res.status).toBe(201);
}

/** What a tab shows against the server's newest page: empty when they agree. */
async function drift(server: NextServer, cookie: string, tabs: Page[]): Promise<string[]> {
  const held = (await (await fetch(`${server.url}/api/notifications?limit=100&muted=0`, { headers: { cookie } })).json()) as NotificationPage;
  const differences: string[] = [];
  for (const [i, tab] of tabs.entries()) {
    const badge = (await tab.getByTestId("bell-badge").count()) ? Number(await tab.getByTestId("bell-badge").innerText()) : 0;
    if (badge !== held.unseenCount) differences.push(`tab ${i}: badge ${badge}, server ${held.unseenCount}`);
    const shown = await tab.locator('[data-testid="notification-item"]').evaluateAll((cards) => cards.map((c) => `${c.getAttribute("data-id")}:${c.getAttribute("data-read")}`));
    const expected = held.items.slice(0, Math.max(shown.length, Math.min(30, held.items.length))).map((n) => `${n.id}:${n.read}`);
    if (shown.join() !== expected.join()) differences.push(`tab ${i}: ${shown.length} cards ${shown.slice(0, 3).join(" ")}… against ${expected.length} ${expected.slice(0, 3).join(" ")}…`);
  }
  return differences;
}

test("after an embedded server restarts (same secret, empty store) the open dashboard shows what the server holds: no cards, and its follows", async ({ browser }) => {
  let server = await startNextServer(LIMITS);
  const context = await browser.newContext();
  try {
    const admin = await signInCookie(server.url, "admin@example.com");
    const cookie = await signInCookie(server.url, ALICE);
    await addCookieHeader(context, server.url, cookie);
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await expect(page.getByTestId("connection-status")).toHaveText("Live");
    await publishTo(server, admin, Array.from({ length: 8 }, (_, i) => `before the restart ${i}`));
    await expect(page.getByTestId("bell-badge")).toHaveText("8");
    await page.getByTestId("channel-toggle-deploys").check();
    await expect.poll(async () => ((await (await fetch(`${server.url}/api/channels`, { headers: { cookie } })).json()) as { following: string[] }).following).toContain("deploys");

    const port = server.port;
    await server.stop();
    await expect(page.getByTestId("connection-status")).not.toHaveText("Live");
    server = await startNextServer(LIMITS, { port });
    await expect(page.getByTestId("connection-status")).toHaveText("Live", { timeout: 60_000 });
    await expect.poll(() => drift(server, cookie, [page]), { timeout: 30_000 }).toEqual([]);
    await expect(page.getByTestId("notification-item")).toHaveCount(0);
    // The server says why the cards went.
    await expect(page.getByTestId("feed-notice")).toHaveText(/server started over/);
    // Alice's follows went with the store: the dashboard shows what the new server holds (the
    // defaults of a first sign-in), not a follow whose alerts would never come.
    await expect(page.getByTestId("channel-toggle-deploys")).not.toBeChecked();
    await expect(page.getByTestId("channel-toggle-ops")).toBeChecked();
  } finally {
    await context.close();
    await server.stop();
  }
});

test("the tab holding the stream hangs while 30 alerts come and another tab takes over; when it wakes it shows them all", async ({ browser }) => {
  // Heartbeats every second: a leader silent for 3 of them (+5 s) is presumed hung.
  const server = await startNextServer({ SSE_HEARTBEAT_MS: "1000", ...LIMITS });
  const context = await browser.newContext();
  try {
    const admin = await signInCookie(server.url, "admin@example.com");
    const cookie = await signInCookie(server.url, ALICE);
    await addCookieHeader(context, server.url, cookie);
    const tabs = [await context.newPage(), await context.newPage()];
    for (const tab of tabs) {
      await tab.goto(`${server.url}/`);
      await expect(tab.getByTestId("connection-status")).toHaveText("Live");
    }
    await publishTo(server, admin, Array.from({ length: 7 }, (_, i) => `before the hang ${i}`));
    for (const tab of tabs) await expect(cardsTitled(tab, "before the hang 6")).toHaveCount(1);

    // The first tab took the browser's stream.
    const [leader, follower] = tabs as [Page, Page];
    const debuggerSession = await context.newCDPSession(leader);
    await debuggerSession.send("Debugger.enable");
    await debuggerSession.send("Debugger.pause");
    // Half before the other tab takes the stream over (it hears nothing until then), half after.
    await publishTo(server, admin, Array.from({ length: 15 }, (_, i) => `while it hangs ${i}`));
    await expect(cardsTitled(follower, "while it hangs 14")).toHaveCount(1, { timeout: 60_000 });
    for (let i = 15; i < 30; i += 3) await publishTo(server, admin, [0, 1, 2].map((j) => `while it hangs ${i + j}`));
    await expect(cardsTitled(follower, "while it hangs 29")).toHaveCount(1);
    await debuggerSession.send("Debugger.resume");
    await expect.poll(() => drift(server, cookie, tabs), { timeout: 30_000 }).toEqual([]);
  } finally {
    await context.close();
    await server.stop();
  }
});
