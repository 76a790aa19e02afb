// Accessibility: axe-core finds no serious or critical violation on any page,
// light or dark, and the bell's menu works from the keyboard.
import type { Browser, Page } from "@playwright/test";
import { signInCookie } from "../testing/session";
import { addCookieHeader, embeddedUrl, expect, publish, seriousViolations, signIn, test } from "./fixtures";

const PAGES = [
  { path: "/signin", as: null },
  { path: "/", as: "alice@example.com" },
  { path: "/settings", as: "alice@example.com" },
  { path: "/settings/integrations", as: "admin@example.com" },
  { path: "/admin", as: "admin@example.com" },
  { path: "/admin/alerts/<latest>", as: "admin@example.com" },
] as const;
let latestId = "";

async function openAs(browser: Browser, colorScheme: "light" | "dark", email: string | null, path: string): Promise<Page> {
  const context = await browser.newContext({ colorScheme });
  if (email) await addCookieHeader(context, embeddedUrl(), await signInCookie(embeddedUrl(), email));
  const page = await context.newPage();
  await page.goto(`${embeddedUrl()}${path}`);
  return page;
}

test.beforeAll(async ({ request }) => {
  // Cards of every severity, read and unread, so their colours are checked too.
  await signIn(request, embeddedUrl(), "admin@example.com");
  for (const severity of ["info", "success", "warning", "error", "critical"]) {
    latestId = (await publish(request, embeddedUrl(), { audience: { kind: "all" }, title: `a11y ${severity}`, body: "body text", severity, link: "/settings" })).id;
  }
  // An alert's life shows too: firing, resolved, and an expiry.
  const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
  for (const status of ["firing", "resolved"]) {
    await publish(request, embeddedUrl(), { audience: { kind: "all" }, title: `a11y ${status}`, severity: "critical", status, collapseKey: `a11y-${status}`, expiresAt });
  }
});

for (const colorScheme of ["light", "dark"] as const) {
  for (const { path, as } of PAGES) {
    test(`${path} in ${colorScheme}: no serious or critical axe violation`, async ({ browser }) => {
      const page = await openAs(browser, colorScheme, as, path.replace("<latest>", latestId));
      try {
        if (path === "/") await expect(page.getByTestId("connection-status")).toHaveText("Live");
        if (path.startsWith("/admin")) await expect(page.getByTestId("funnel").first()).toBeVisible();
        await expect(page.locator("h1")).toHaveCount(1);
        expect(await seriousViolations(page)).toEqual([]);
        if (path === "/") {
          await page.getByTestId("bell-button").click();
          expect(await seriousViolations(page)).toEqual([]);
          await page.keyboard.press("Escape");
          await page.getByTestId("filter-archived").click();
          await expect(page.getByText("Nothing archived.")).toBeVisible();
          expect(await seriousViolations(page)).toEqual([]);
        }
      } finally {
        await page.context().close();
      }
    });
  }
}

test("the bell's menu opens with Enter, closes with Escape and gives focus back to the bell", async ({ browser }) => {
  const page = await openAs(browser, "light", "alice@example.com", "/");
  try {
    const bell = page.getByTestId("bell-button");
    // Reachable by Tab alone.
    for (let i = 0; i < 30 && !(await bell.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
    await expect(bell).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("bell-menu")).toBeVisible();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("bell-menu")).toHaveCount(0);
    await expect(bell).toBeFocused();
  } finally {
    await page.context().close();
  }
});

test.fail("the console guard itself: a page that logs an error fails its test", async ({ browser }) => {
  const page = await openAs(browser, "light", null, "/signin");
  try {
    await page.evaluate(() => console.error("a deliberate error"));
  } finally {
    await page.context().close();
  }
});
