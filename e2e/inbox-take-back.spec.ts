// An inbox people act in: take back (mark unread, move back from the
// archive, Undo "Mark all read" and "Archive read" on every device), many at
// once (a checkbox each, shift-click for a range, select all; one request,
// one inbox version), snooze (in an hour, a picked time, back at its time
// unread with a toast), and the keyboard (j/k, Enter, e, u, x, s, /, ?).
// At a phone's and a desktop's width, in Chromium, against a real server.
import type { Browser } from "@playwright/test";
import type { NextServer } from "../testing/next-server";
import type { AlertDetail, NotificationPage } from "@/lib/shared/types";
import { addCookieHeader, ALICE, liveDashboardAs, cardOf, expect, postAs, startServerForAdminAndAlice, test } from "./fixtures";

let server: NextServer;
let admin: string;
let alice: string;

test.beforeAll(async () => {
  ({ server, admin, alice } = await startServerForAdminAndAlice());
});
test.afterAll(async () => server?.stop());

/** Alice's dashboard in a context of its own at this size, once Live. */
const aliceLive = (browser: Browser, width: number, height: number) => liveDashboardAs(browser, server.url, alice, { width, height });

const send = async (title: string, extra: Record<string, unknown> = {}) => {
  const res = await postAs(server.url, "/api/notifications", admin, { audience: { kind: "user", userId: ALICE }, title, ...extra });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
};

/** Alice's newest page as the API answers it (her marks, counts and version). */
const alicePage = async (query = "") => (await (await fetch(`${server.url}/api/notifications?limit=100${query}`, { headers: { cookie: alice } })).json()) as NotificationPage;
const funnelOf = async (id: string) =>
  ((await (await fetch(`${server.url}/api/admin/alerts/${id}`, { headers: { cookie: admin } })).json()) as AlertDetail).alert.funnel;

for (const [width, height] of [[390, 844], [1280, 860]] as const) {
  test(`at ${width} px: mark unread, move back from the archive, and Undo "Mark all read" and "Archive read" on every device`, async ({ browser }) => {
    const { context, page } = await aliceLive(browser, width, height);
    const other = await aliceLive(browser, 1280, 860);
    const ids = [await send(`take back a ${width}`), await send(`take back b ${width}`)];
    for (const id of ids) await expect(cardOf(page, id)).toHaveAttribute("data-read", "false");

    await cardOf(page, ids[0]!).getByTestId("mark-read").click();
    await expect(cardOf(other.page, ids[0]!)).toHaveAttribute("data-read", "true");
    await cardOf(page, ids[0]!).getByTestId("mark-unread").click();
    await expect(cardOf(other.page, ids[0]!)).toHaveAttribute("data-read", "false");
    await expect.poll(async () => (await funnelOf(ids[0]!)).unread).toBe(1);

    // Mark all read, then Undo: exactly the ones it read are unread again, here and on the other device.
    await page.getByTestId("mark-all-read").click();
    await expect(page.getByTestId("undo-message")).toHaveText(/^Marked \d+ read$/);
    for (const id of ids) await expect(cardOf(other.page, id)).toHaveAttribute("data-read", "true");
    await page.getByTestId("undo").click();
    await expect(page.getByTestId("undo-bar")).toHaveCount(0);
    for (const id of ids) await expect(cardOf(other.page, id)).toHaveAttribute("data-read", "false");
    await expect.poll(async () => (await alicePage()).items.filter((i) => ids.includes(i.id) && !i.read).length).toBe(2);

    // Archive read, then Undo: the read one comes back, the unread one never left.
    await cardOf(page, ids[1]!).getByTestId("mark-read").click();
    await expect(cardOf(page, ids[1]!)).toHaveAttribute("data-read", "true");
    await page.getByTestId("archive-read").click();
    await expect(cardOf(other.page, ids[1]!)).toHaveCount(0);
    await expect(cardOf(page, ids[0]!)).toHaveCount(1);
    await page.getByTestId("undo").click();
    await expect(cardOf(other.page, ids[1]!)).toHaveAttribute("data-read", "true");
    await expect(cardOf(page, ids[1]!)).toHaveCount(1);

    // One archived by hand moves back from the "Archived" list.
    await cardOf(page, ids[1]!).getByTestId("archive").click();
    await expect(cardOf(other.page, ids[1]!)).toHaveCount(0);
    await page.getByTestId("filter-archived").click();
    await cardOf(page, ids[1]!).getByTestId("unarchive").click();
    await expect(cardOf(page, ids[1]!)).toHaveCount(0);
    await expect(cardOf(other.page, ids[1]!)).toHaveCount(1);
    await page.screenshot({ path: test.info().outputPath(`take-back-${width}.png`) });
    await Promise.all([context.close(), other.context.close()]);
  });

  test(`at ${width} px: select with a checkbox, shift-click a range or all shown, and act on them in one request and one version`, async ({ browser }) => {
    const { context, page } = await aliceLive(browser, width, height);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await send(`many ${i} ${width}`));
    for (const id of ids) await expect(cardOf(page, id)).toHaveCount(1);
    // Newest first on screen: ids[4] … ids[0]. Click the newest, shift-click the third: three selected.
    await cardOf(page, ids[4]!).getByTestId("select").click();
    await cardOf(page, ids[2]!).getByTestId("select").click({ modifiers: ["Shift"] });
    await expect(page.getByTestId("selection-count")).toHaveText("3 selected");
    const before = (await alicePage()).version;
    const requests: string[] = [];
    // The inbox's changes (a browser's display acknowledgements go on beside them).
    page.on("request", (r) => r.method() === "POST" && /\/api\/notifications\/(?!ack)/.test(r.url()) && requests.push(new URL(r.url()).pathname));
    await page.getByTestId("bulk-read").click();
    for (const id of ids.slice(2)) await expect(cardOf(page, id)).toHaveAttribute("data-read", "true");
    for (const id of ids.slice(0, 2)) await expect(cardOf(page, id)).toHaveAttribute("data-read", "false");
    expect(requests).toEqual(["/api/notifications/read"]);
    expect((await alicePage()).version).toBe(before + 1);
    await expect(page.getByTestId("selection-bar")).toHaveCount(0);

    // Select all shown, then archive them in one request.
    await page.getByTestId("select-all").check();
    await expect(page.getByTestId("selection-count")).toHaveText(`${await page.getByTestId("card").count()} selected`);
    await page.screenshot({ path: test.info().outputPath(`selection-${width}.png`) });
    await page.getByTestId("bulk-archive").click();
    for (const id of ids) await expect(cardOf(page, id)).toHaveCount(0);
    expect(requests).toEqual(["/api/notifications/read", "/api/notifications/archive"]);
    const archived = await alicePage("&archived=1");
    expect(ids.every((id) => archived.items.some((i) => i.id === id))).toBe(true);
    await context.close();
  });

  test(`at ${width} px: snooze leaves the inbox for "Snoozed", and comes back unread at its time with a toast`, async ({ browser }) => {
    const { context, page } = await aliceLive(browser, width, height);
    const other = await aliceLive(browser, 1280, 860);
    const later = await send(`snoozed for an hour ${width}`, { severity: "warning" });
    const soon = await send(`snoozed for moments ${width}`, { severity: "warning" });
    await expect(cardOf(page, later)).toHaveCount(1);
    const unreadBefore = (await alicePage()).unreadCount;

    // "In 1 hour" from the card's menu: it leaves the inbox and the counts on every device.
    await cardOf(page, later).getByTestId("snooze").click();
    const asked = page.waitForRequest((r) => r.url().endsWith("/api/notifications/snooze"));
    await page.getByTestId("snooze-hour").click();
    const until = Date.parse((JSON.parse((await asked).postData()!) as { until: string }).until);
    expect(Math.abs(until - Date.now() - 3_600_000)).toBeLessThan(120_000);
    await expect(cardOf(page, later)).toHaveCount(0);
    await expect(cardOf(other.page, later)).toHaveCount(0);
    await expect.poll(async () => (await alicePage()).unreadCount).toBe(unreadBefore - 1);
    await page.getByTestId("filter-snoozed").click();
    await expect(cardOf(page, later).getByTestId("snoozed-until")).toBeVisible();
    await page.screenshot({ path: test.info().outputPath(`snoozed-${width}.png`) });
    expect((await funnelOf(later)).snoozed).toBe(1);

    // Back to inbox at once, from the snoozed list.
    await cardOf(page, later).getByTestId("unsnooze").click();
    await expect(cardOf(page, later)).toHaveCount(0);
    await expect(cardOf(other.page, later)).toHaveAttribute("data-read", "false");

    // Read, then snoozed from another device until a moment from now: it comes back unread in the tab in view, with a toast.
    await page.getByTestId("filter-all").click();
    await page.bringToFront();
    await cardOf(page, soon).getByTestId("mark-read").click();
    await expect(cardOf(other.page, soon)).toHaveAttribute("data-read", "true");
    const res = await postAs(server.url, "/api/notifications/snooze", alice, { ids: [soon], until: new Date(Date.now() + 3_000).toISOString() });
    expect(res.status).toBe(200);
    await expect(cardOf(page, soon)).toHaveAttribute("data-read", "false");
    await expect(page.getByTestId("toast").filter({ hasText: `snoozed for moments ${width}` })).toHaveCount(1);
    await expect(cardOf(other.page, soon)).toHaveAttribute("data-read", "false");
    await Promise.all([context.close(), other.context.close()]);
  });

  test(`at ${width} px: the keyboard moves through the feed and acts on a card; no shortcut fires while typing`, async ({ browser }) => {
    const { context, page } = await aliceLive(browser, width, height);
    const ids = [await send(`keys a ${width}`, { link: "/settings" }), await send(`keys b ${width}`), await send(`keys c ${width}`)];
    for (const id of ids) await expect(cardOf(page, id)).toHaveCount(1);
    const focusedId = () => page.evaluate(() => document.activeElement?.closest("[data-testid=notification-item]")?.getAttribute("data-id") ?? null);
    await page.locator("body").click({ position: { x: 2, y: 2 } });
    await page.keyboard.press("j");
    expect(await focusedId()).toBe(ids[2]);
    await page.keyboard.press("j");
    expect(await focusedId()).toBe(ids[1]);
    await page.keyboard.press("u");
    await expect(cardOf(page, ids[1]!)).toHaveAttribute("data-read", "true");
    await page.keyboard.press("u");
    await expect(cardOf(page, ids[1]!)).toHaveAttribute("data-read", "false");
    await page.keyboard.press("x");
    await expect(page.getByTestId("selection-count")).toHaveText("1 selected");
    await page.keyboard.press("x");
    await page.keyboard.press("k");
    expect(await focusedId()).toBe(ids[2]);
    await page.keyboard.press("e");
    await expect(cardOf(page, ids[2]!)).toHaveCount(0);
    await expect.poll(focusedId).toBe(ids[1]);
    await page.keyboard.press("s");
    await expect(page.getByTestId("snooze-menu")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("snooze-menu")).toHaveCount(0);
    await page.keyboard.press("?");
    await expect(page.getByTestId("shortcuts-help")).toContainText("Snooze");
    await page.screenshot({ path: test.info().outputPath(`shortcuts-${width}.png`) });
    await page.getByTestId("shortcuts-help").getByRole("button", { name: "Close" }).click();

    // "/" goes to the search; typing j there types j.
    await page.keyboard.press("/");
    await page.keyboard.type("jk");
    await expect(page.getByTestId("search-q")).toHaveValue("jk");
    await page.getByTestId("search-q").fill("");

    // Enter on a card opens its link (and marks it read).
    const card = cardOf(page, ids[0]!).getByTestId("card");
    await card.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(`${server.url}/settings`);
    await expect.poll(async () => (await alicePage()).items.find((i) => i.id === ids[0])?.read).toBe(true);
    await context.close();
  });
}

test("the API refuses a snooze in the past, a malformed time or more than a year ahead with a clear JSON error", async () => {
  const id = await send("refused snooze");
  for (const [until, says] of [
    [new Date(Date.now() - 60_000).toISOString(), /in the past/],
    ["tomorrow", /ISO time/],
    [new Date(Date.now() + 400 * 86_400_000).toISOString(), /at most 365 days/],
  ] as const) {
    const res = await postAs(server.url, "/api/notifications/snooze", alice, { ids: [id], until });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(says);
  }
  // Another person's notification is not theirs to snooze or take back: nothing changes, no ids answered.
  const bobs = await postAs(server.url, "/api/notifications", admin, { audience: { kind: "user", userId: "bob@example.com" }, title: "bob's" });
  const bobId = ((await bobs.json()) as { id: string }).id;
  for (const path of ["/api/notifications/unread", "/api/notifications/unarchive"]) {
    const res = await postAs(server.url, path, alice, { ids: [bobId] });
    expect(((await res.json()) as { ids: string[] }).ids).toEqual([]);
  }
});

for (const [width, height] of [[390, 844], [1280, 860]] as const) {
  test(`at ${width} px: a collapse key reads as one thread, its history on the card, live and after a reload`, async ({ browser }) => {
    const { context, page } = await aliceLive(browser, width, height);
    const key = `disk-${width}`;
    const firing = await send(`disk full ${width}`, { collapseKey: key, status: "firing", severity: "error" });
    await expect(cardOf(page, firing)).toHaveCount(1);
    const resolved = await send(`disk fine ${width}`, { collapseKey: key, status: "resolved", severity: "success" });
    await expect(cardOf(page, firing)).toHaveCount(0);
    const check = async () => {
      const card = cardOf(page, resolved);
      await expect(card.getByTestId("thread-summary")).toHaveText(/^firing \d\d:\d\d( [AP]M)? · resolved \d\d:\d\d( [AP]M)?$/);
      await card.getByTestId("thread-toggle").click();
      await expect(card.getByTestId("thread-entry")).toHaveCount(1);
      await expect(card.getByTestId("thread-entry")).toContainText(`firing · disk full ${width}`);
    };
    await check();
    await page.screenshot({ path: test.info().outputPath(`thread-${width}.png`) });
    await page.reload();
    await check();
    await context.close();
  });
}

for (const [width, height] of [[390, 844], [1280, 860]] as const) {
  test(`at ${width} px the dashboard's first HTML carries the newest page: cards without a skeleton, with no script run`, async ({ browser }) => {
    const id = await send(`rendered on the server ${width}`);
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height } });
    await addCookieHeader(context, server.url, alice);
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    // Visible in the HTML as it came: no skeleton first, no streamed part that only a script would reveal.
    await expect(cardOf(page, id)).toBeVisible();
    await expect(cardOf(page, id)).toContainText(`rendered on the server ${width}`);
    await expect(page.getByTestId("feed-skeleton")).toHaveCount(0);
    await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath(`first-paint-${width}.png`) });
    await context.close();
  });
}

test("Regression: a reload resumes after the newest of the person's, so one archived or snoozed just before comes back neither as a card nor as a toast", async ({ browser }) => {
  const { context, page } = await aliceLive(browser, 1280, 860);
  const archived = await send("archived before the reload");
  const snoozed = await send("snoozed before the reload");
  await expect(cardOf(page, snoozed)).toHaveCount(1);
  await cardOf(page, archived).getByTestId("archive").click();
  await cardOf(page, snoozed).getByTestId("snooze").click();
  await page.getByTestId("snooze-hour").click();
  await expect(cardOf(page, snoozed)).toHaveCount(0);
  await expect.poll(async () => (await alicePage()).snoozed.some((i) => i.id === snoozed)).toBe(true);
  await page.reload();
  await expect(page.getByTestId("connection-status")).toHaveText("Live");
  // The stream hands on in order: once this one is shown, a replay of the two would have come before it.
  const after = await send("sent after the reload");
  await expect(cardOf(page, after)).toHaveCount(1);
  await expect(cardOf(page, archived)).toHaveCount(0);
  await expect(cardOf(page, snoozed)).toHaveCount(0);
  await expect(page.getByTestId("toast").filter({ hasText: "before the reload" })).toHaveCount(0);
  await context.close();
});

test("Regression: mark all read reads again what was marked unread below the read mark, with nothing newer", async () => {
  const id = await send("unread below the mark");
  expect((await postAs(server.url, "/api/notifications/read", alice, { all: true })).status).toBe(200);
  expect((await postAs(server.url, "/api/notifications/unread", alice, { ids: [id] })).status).toBe(200);
  expect((await alicePage()).items.find((i) => i.id === id)?.read).toBe(false);
  const again = await postAs(server.url, "/api/notifications/read", alice, { all: true });
  expect(((await again.json()) as { ids: string[] }).ids).toEqual([id]);
  const page = await alicePage();
  expect(page.items.find((i) => i.id === id)?.read).toBe(true);
  expect(page.unreadCount).toBe(0);
});
