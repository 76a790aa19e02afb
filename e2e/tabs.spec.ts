// One browser, one stream (issue 11): tabs share the connection, hand it
// over without loss, fall back to a stream each without Web Locks, alert
// once, and end together on sign-out. Against `next start` over plain
// HTTP/1.1, in Debian's Chromium.
import type { BrowserContext, Page } from "@playwright/test";
import { startNextServer, type NextServer } from "../testing/next-server";
import { signInCookie } from "../testing/session";
import { collect } from "../testing/sse-reader";
import type { Stats } from "@/lib/types";
import { addCookieHeader, expect, test } from "./fixtures";

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

/** How many cards with exactly this title a tab shows. */
const cardsTitled = (page: Page, title: string) => page.getByTestId("notification-title").filter({ hasText: new RegExp(`^${title}$`) });

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
