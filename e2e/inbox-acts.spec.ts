// An inbox people act in: a long body clamps with
// "Show more", a toast opens its link or marks it read, and the bell's items
// say their severity and time, count as opened when followed, and lead to
// the whole feed. At a phone's and a desktop's width.
import type { Browser } from "@playwright/test";
import type { NextServer } from "../testing/next-server";
import type { AlertDetail } from "@/lib/shared/types";
import { ALICE, liveDashboardAs, cardsTitled, expect, postAs, startServerForAdminAndAlice, test } from "./fixtures";

let server: NextServer;
let admin: string;
let alice: string;

test.beforeAll(async () => {
  ({ server, admin, alice } = await startServerForAdminAndAlice());
});
test.afterAll(async () => server?.stop());

/** Alice's dashboard in a context of its own at this size, once Live. */
const aliceLive = (browser: Browser, width: number, height: number) => liveDashboardAs(browser, server.url, alice, { width, height });

const send = async (body: Record<string, unknown>) => {
  const res = await postAs(server.url, "/api/notifications", admin, { audience: { kind: "user", userId: ALICE }, ...body });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
};

/** People who opened the alert's link, as its funnel on /admin counts them. */
const openedCount = async (id: string) =>
  ((await (await fetch(`${server.url}/api/admin/alerts/${id}`, { headers: { cookie: admin } })).json()) as AlertDetail).alert.funnel.opened;

for (const [width, height] of [[390, 844], [1280, 860]] as const) {
  test(`at ${width} px a long body shows four lines until "Show more", and all of it after`, async ({ browser }) => {
    const { context, page } = await aliceLive(browser, width, height);
    const title = `long body ${width}`;
    await send({ title, body: Array.from({ length: 12 }, (_, i) => `line ${i + 1} of the stack trace`).join("\n") });
    const card = cardsTitled(page, title).locator("xpath=ancestor::article");
    const body = card.getByTestId("notification-body");
    const clamped = (await body.boundingBox())!.height;
    await card.getByTestId("notification-show-more").click();
    await expect(card.getByTestId("notification-show-more")).toHaveText("Show less");
    expect((await body.boundingBox())!.height).toBeGreaterThan(clamped * 2);
    await send({ title: `short body ${width}`, body: "one line" });
    const short = cardsTitled(page, `short body ${width}`).locator("xpath=ancestor::article");
    await expect(short.getByTestId("notification-body")).toHaveText("one line");
    await expect(short.getByTestId("notification-show-more")).toHaveCount(0);
    await context.close();
  });

  test(`at ${width} px a toast marks its notification read, and Open follows its link and counts as opened`, async ({ browser }) => {
    const { context, page } = await aliceLive(browser, width, height);
    const toast = (title: string) => page.getByTestId("toast").filter({ hasText: title });
    const readTitle = `read from the toast ${width}`;
    const readId = await send({ title: readTitle, severity: "critical" });
    await toast(readTitle).getByTestId("toast-mark-read").click();
    await expect(toast(readTitle)).toHaveCount(0);
    await expect(page.locator(`[data-testid="notification-item"][data-id="${readId}"]`)).toHaveAttribute("data-read", "true");

    const openTitle = `opened from the toast ${width}`;
    const openId = await send({ title: openTitle, severity: "critical", link: "/settings" });
    await toast(openTitle).getByTestId("toast-open").click();
    await page.waitForURL(`${server.url}/settings`);
    await expect.poll(() => openedCount(openId)).toBe(1);
    await context.close();
  });
}

for (const [width, height] of [[390, 844], [1280, 860]] as const) {
  test(`at ${width} px the bell's items say their severity and time, count as opened when followed, and View all leads to the feed`, async ({ browser }) => {
    const { context, page } = await aliceLive(browser, width, height);
    const id = await send({ title: `from the bell ${width}`, severity: "warning", link: "/settings" });
    await expect(cardsTitled(page, `from the bell ${width}`)).toHaveCount(1);
    await page.getByTestId("bell-button").click();
    const item = page.getByTestId("bell-item").first();
    await expect(item).toContainText(`from the bell ${width}`);
    await expect(item).toContainText("warning");
    await expect(item.locator("time")).toHaveCount(1);
    await page.getByTestId("bell-view-all").click();
    await expect(page.getByTestId("bell-menu")).toHaveCount(0);
    await page.getByTestId("bell-button").click();
    await item.click();
    await page.waitForURL(`${server.url}/settings`);
    await expect.poll(() => openedCount(id)).toBe(1);
    await context.close();
  });
}

test("the first Tab reaches a skip link that takes the keyboard past the header to the feed", async ({ browser }) => {
  const { context, page } = await aliceLive(browser, 1280, 860);
  await page.keyboard.press("Tab");
  await expect(page.getByTestId("skip-link")).toBeFocused();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  // The next stop is inside the page's content, not the header's navigation.
  expect(await page.evaluate(() => Boolean(document.activeElement?.closest("main")))).toBe(true);
  await context.close();
});
