// Quiet when you want, found when you need, in Chromium at phone
// and desktop widths, light and dark: mutes set in /settings silence a
// notification everywhere at once (no card in the feed, no toast, no badge,
// no count in the title) while it stays under "Muted", critical ones are
// never muted, the funnel counts the person as muted; and the feed's search
// finds by words, severity and dates. axe finds nothing serious on the way.
import type { BrowserContext, Page } from "@playwright/test";
import { startNextServer, type NextServer } from "../testing/next-server";
import { signInCookie } from "../testing/session";
import type { AlertDetail } from "@/lib/shared/types";
import { ADMIN, ALICE, BOB, addCookieHeader, cardOf, cardsTitled, expect, openDashboard, postAs, publishAs, seriousViolationsInBothSchemes, test } from "./fixtures";

let server: NextServer;
let admin: string;
test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

test.beforeAll(async () => {
  server = await startNextServer({ RATE_PUBLISH_PER_MIN: "100000", RATE_SIGNIN_PER_MIN: "1000", RATE_CONNECT_PER_MIN: "100000", RATE_READ_PER_MIN: "100000" });
  admin = await signInCookie(server.url, ADMIN);
});
test.afterAll(async () => server?.stop());

const VIEWPORTS = [
  { width: 390, height: 844, colorScheme: "dark" },
  { width: 1280, height: 860, colorScheme: "light" },
] as const;

async function member(browser: import("@playwright/test").Browser, email: string, viewport: (typeof VIEWPORTS)[number]): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, colorScheme: viewport.colorScheme });
  const cookie = await signInCookie(server.url, email);
  await addCookieHeader(context, server.url, cookie);
  // What earlier tests sent them is read: the badge and title count only this test's.
  const read = await postAs(server.url, "/api/notifications/read", cookie, { all: true });
  expect(read.status).toBe(200);
  return context;
}

const badge = (page: Page) => page.getByTestId("bell-badge");
const toastTitled = (page: Page, title: string) => page.getByTestId("toast").filter({ hasText: title });

for (const viewport of VIEWPORTS) {
  const { width, colorScheme } = viewport;
  const email = width < 500 ? ALICE : BOB;

  test(`${width} px, ${colorScheme}: mutes set in Settings silence alerts on every tab and device at once; critical ones still alert`, async ({ browser }) => {
    const laptop = await member(browser, email, viewport);
    const phone = await member(browser, email, viewport);
    try {
      const settings = await laptop.newPage();
      await settings.goto(`${server.url}/settings`);
      await settings.getByTestId("mute-everyone").check();
      await expect(settings.getByTestId("mute-everyone")).toBeChecked();
      await settings.getByTestId("mute-below").selectOption("warning");
      await expect(settings.getByTestId("mute-below")).toHaveValue("warning");
      expect(await seriousViolationsInBothSchemes(settings)).toEqual([]);
      await settings.screenshot({ path: test.info().outputPath(`settings-${width}.png`), fullPage: true });

      const [tab, other] = [await openDashboard(laptop, server.url), await openDashboard(phone, server.url)];
      const quiet = await publishAs(admin, server.url, { audience: { kind: "all" }, title: `Muted broadcast ${width}`, severity: "warning" });
      const low = await publishAs(admin, server.url, { audience: { kind: "user", userId: email }, title: `Muted low ${width}`, severity: "success" });
      const loud = await publishAs(admin, server.url, { audience: { kind: "all" }, title: `Critical broadcast ${width}`, severity: "critical" });
      for (const page of [tab, other]) {
        // The critical one arrives, after the two muted ones: had they been let through, they would show by now.
        await expect(cardOf(page, loud.id)).toHaveCount(1);
        await expect(cardOf(page, quiet.id)).toHaveCount(0);
        await expect(cardOf(page, low.id)).toHaveCount(0);
        await expect(badge(page)).toHaveText("1");
        await expect(page).toHaveTitle("(1) Live notifications");
      }
      await expect(toastTitled(tab, loud.title)).toHaveCount(1);
      await expect(toastTitled(tab, quiet.title)).toHaveCount(0);
      await expect(toastTitled(tab, low.title)).toHaveCount(0);

      // Kept and flagged under "Muted".
      await tab.getByTestId("filter-muted").click();
      await expect(cardOf(tab, quiet.id)).toHaveAttribute("data-muted", "true");
      await expect(cardOf(tab, low.id).getByTestId("notification-muted")).toHaveText("Muted");
      await expect(cardOf(tab, loud.id)).toHaveCount(0);
      expect(await seriousViolationsInBothSchemes(tab)).toEqual([]);
      await tab.screenshot({ path: test.info().outputPath(`muted-${width}.png`), fullPage: true });

      // The funnel counts them as muted for this person, not as undelivered.
      await expect
        .poll(async () => {
          const res = await fetch(`${server.url}/api/admin/alerts/${quiet.id}`, { headers: { cookie: admin } });
          const detail = (await res.json()) as AlertDetail;
          return detail.recipients.find((r) => r.label?.includes(email))?.muted ?? false;
        })
        .toBe(true);
      const adminPage = await laptop.browser()!.newContext({ viewport: { width: viewport.width, height: viewport.height }, colorScheme });
      try {
        await addCookieHeader(adminPage, server.url, admin);
        const detail = await adminPage.newPage();
        await detail.goto(`${server.url}/admin/alerts/${quiet.id}`);
        const row = detail.getByTestId("recipient").filter({ hasText: email });
        await expect(row.getByTestId("recipient-muted")).toHaveAttribute("data-value", "true");
        await expect(row.getByTestId("recipient-displayed")).toHaveAttribute("data-value", "false");
        await expect(detail.getByTestId("funnel-muted")).toHaveAttribute("data-value", /[1-9]/);
        expect(await seriousViolationsInBothSchemes(detail)).toEqual([]);
      } finally {
        await adminPage.close();
      }

      // Unmuted on the laptop: the other device brings them back and counts them, at once.
      await settings.getByTestId("mute-everyone").uncheck();
      await settings.getByTestId("mute-below").selectOption("");
      await expect(cardOf(other, quiet.id)).toHaveCount(1);
      await expect(cardOf(other, low.id)).toHaveCount(1);
      await expect(badge(other)).toHaveText("3");
      await expect(other).toHaveTitle("(3) Live notifications");
    } finally {
      await Promise.all([laptop.close(), phone.close()]);
    }
  });

  test(`${width} px, ${colorScheme}: the feed's search finds by words, severity and dates, and never another person's`, async ({ browser }) => {
    const context = await member(browser, email, viewport);
    try {
      const page = await openDashboard(context, server.url);
      const tag = `w${width}`;
      const db = await publishAs(admin, server.url, { audience: { kind: "all" }, title: `Database failover ${tag}`, body: "The primary went away.", severity: "error" });
      const deploy = await publishAs(admin, server.url, { audience: { kind: "all" }, title: `Deploy done ${tag}`, body: "Database migrations ran.", severity: "success" });
      await publishAs(admin, server.url, { audience: { kind: "user", userId: ADMIN }, title: `Database secret ${tag}`, severity: "error" });
      await expect(cardOf(page, deploy.id)).toHaveCount(1);

      await page.getByTestId("search-q").fill(`database ${tag}`);
      await expect(cardsTitled(page, `Database failover ${tag}`)).toHaveCount(1);
      await expect(cardsTitled(page, `Deploy done ${tag}`)).toHaveCount(1);
      await expect(page.getByTestId("notification-item")).toHaveCount(2);
      // On a phone the filters fold behind a button; on a desktop they are in the row.
      await expect(page.getByTestId("filters-toggle")).toBeVisible({ visible: width < 640 });
      if (width < 640) await page.getByTestId("filters-toggle").click();
      await page.getByTestId("filter-severity").selectOption("error");
      await expect(page.getByTestId("notification-item")).toHaveCount(1);
      await expect(cardOf(page, db.id)).toHaveCount(1);
      expect(await seriousViolationsInBothSchemes(page)).toEqual([]);
      await page.screenshot({ path: test.info().outputPath(`search-${width}.png`), fullPage: true });

      // Dates are the reader's days: today holds it, tomorrow holds nothing.
      const today = await page.evaluate(() => new Date().toLocaleDateString("en-CA"));
      const tomorrow = await page.evaluate(() => new Date(Date.now() + 86_400_000).toLocaleDateString("en-CA"));
      await page.getByTestId("search-from").fill(today);
      await page.getByTestId("search-to").fill(today);
      await expect(cardOf(page, db.id)).toHaveCount(1);
      await page.getByTestId("search-to").fill(tomorrow);
      await page.getByTestId("search-from").fill(tomorrow);
      await expect(page.getByText("Nothing matches this search.")).toBeVisible();

      // Cleared: the live feed again, and a search word nothing holds finds nothing.
      await page.getByTestId("search-clear").click();
      await expect(cardOf(page, deploy.id)).toHaveCount(1);
      await page.getByTestId("search-q").fill("nowhere-to-be-found");
      await expect(page.getByText("Nothing matches this search.")).toBeVisible();
    } finally {
      await context.close();
    }
  });
}

test("bad preferences and searches get a clear 400", async () => {
  const put = (body: unknown) =>
    fetch(`${server.url}/api/preferences`, { method: "PUT", headers: { cookie: admin, origin: server.url, "content-type": "application/json" }, body: JSON.stringify(body) });
  const cases: [unknown, string][] = [
    [{ mutedChannels: ["nope-not-a-channel"], muteBelow: null }, "mutedChannels"],
    [{ mutedChannels: [], muteBelow: "critical" }, "muteBelow"],
    [{ mutedChannels: ["<script>"], muteBelow: null }, "mutedChannels.0"],
    [{ mutedChannels: [], muteBelow: null, extra: 1 }, "extra"],
  ];
  for (const [body, field] of cases) {
    const res = await put(body);
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect((await res.json()).field).toBe(field);
  }
  for (const [query, field] of [
    ["q=a", "q"],
    ["since=yesterday", "since"],
    ["since=2026-12-02&until=2026-12-01", "since"],
    ["severity=loud", "severity"],
    ["channel=Not%20A%20Channel", "channel"],
  ]) {
    const res = await fetch(`${server.url}/api/notifications?${query}`, { headers: { cookie: admin } });
    expect(res.status, query).toBe(400);
    expect((await res.json()).field, query).toBe(field);
  }
  const publish = await fetch(`${server.url}/api/notifications`, {
    method: "POST",
    headers: { cookie: admin, origin: server.url, "content-type": "application/json" },
    body: JSON.stringify({ title: "x", audience: { kind: "channel", channel: "everyone" } }),
  });
  expect(publish.status).toBe(400);
});
