// Shared helpers for the end-to-end tests: sign a browser context in through
// next-auth's credentials flow, and publish through the API as a service would.
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { startNextServer, type NextServer } from "../testing/next-server";
import { signInCookie } from "../testing/session";
import type { Notification } from "@/lib/shared/types";

export const ADMIN = "admin@example.com";
export const ALICE = "alice@example.com";
export const BOB = "bob@example.com";

export function embeddedUrl(): string {
  const url = process.env.E2E_EMBEDDED_URL;
  if (!url) throw new Error("E2E_EMBEDDED_URL is not set: run through playwright.config.ts");
  return url;
}

/** Signs in with the same two requests a script would make; cookies land in the context. */
export async function signIn(request: APIRequestContext, baseURL: string, email: string, password = "demo") {
  const { csrfToken } = await (await request.get(`${baseURL}/api/auth/csrf`)).json();
  const res = await request.post(`${baseURL}/api/auth/callback/credentials`, {
    form: { csrfToken, email, password, json: "true" },
    maxRedirects: 0,
  });
  expect([200, 302]).toContain(res.status());
}

/** Puts a Cookie header's cookies (from testing/session's signInCookie) into a browser context. */
export async function addCookieHeader(context: BrowserContext, url: string, cookie: string) {
  const pairs = cookie.split("; ").map((pair) => ({ name: pair.slice(0, pair.indexOf("=")), value: pair.slice(pair.indexOf("=") + 1), url }));
  await context.addCookies(pairs);
}

/** A new browser (context) of its own, signed in as `email`: one device of that person. */
export async function signedInBrowser(browser: Browser, baseURL: string, email: string) {
  const context = await browser.newContext();
  await signIn(context.request, baseURL, email);
  return context;
}

/** A dashboard tab in `context`, once its stream is live. */
export async function openDashboard(context: BrowserContext, baseURL: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${baseURL}/`);
  await expect(page.getByTestId("connection-status")).toHaveText("Live");
  return page;
}

/** A new context of this size signed in with `cookie`, and its dashboard tab once Live. */
export async function liveDashboardAs(browser: Browser, baseURL: string, cookie: string, viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport });
  await addCookieHeader(context, baseURL, cookie);
  return { context, page: await openDashboard(context, baseURL) };
}

/** A notification's card in a page's feed. */
export const cardOf = (page: Page, id: string) => page.locator(`[data-testid="notification-item"][data-id="${id}"]`);

/** POSTs JSON as the person whose session cookie is `cookie`, from the app's own origin. */
export function postAs(baseURL: string, path: string, cookie: string, body: unknown): Promise<Response> {
  return fetch(`${baseURL}${path}`, { method: "POST", headers: { cookie, origin: baseURL, "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** Publishes through the API as the admin whose session cookie is `cookie`. */
export async function publishAs(cookie: string, baseURL: string, body: Record<string, unknown>): Promise<Notification> {
  const res = await postAs(baseURL, "/api/notifications", cookie, body);
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
}

/** A server of a spec's own that takes any number of publishes, with its admin's and Alice's cookies. */
export async function startServerForAdminAndAlice(): Promise<{ server: NextServer; admin: string; alice: string }> {
  const server = await startNextServer({ RATE_PUBLISH_PER_MIN: "100000" });
  return { server, admin: await signInCookie(server.url, ADMIN), alice: await signInCookie(server.url, ALICE) };
}

/** A server of a spec's own with diagnostics on and the limits out of the way, and its admin's cookie. */
export async function startFaultServer(): Promise<{ server: NextServer; admin: string }> {
  const server = await startNextServer({ DIAGNOSTICS: "1", RATE_CONNECT_PER_MIN: "100000", RATE_PUBLISH_PER_MIN: "100000", RATE_READ_PER_MIN: "100000" });
  return { server, admin: await signInCookie(server.url, ADMIN) };
}

/**
 * Lets a test hide and show a page as a browser does when its tab goes to
 * the background: `document.visibilityState` follows `window.__setHidden`.
 */
export async function allowHiding(context: BrowserContext) {
  await context.addInitScript(() => {
    let hidden = false;
    Object.defineProperty(Document.prototype, "visibilityState", { get: () => (hidden ? "hidden" : "visible") });
    Object.defineProperty(Document.prototype, "hidden", { get: () => hidden });
    (window as unknown as { __setHidden: (value: boolean) => void }).__setHidden = (value) => {
      hidden = value;
      document.dispatchEvent(new Event("visibilitychange"));
    };
  });
}

export const setHidden = (page: Page, hidden: boolean) => page.evaluate((value) => (window as unknown as { __setHidden: (v: boolean) => void }).__setHidden(value), hidden);

/** An admin and a member, each in a signed-in browser context of their own, closed after `run`. */
export async function asAdminAndMember(
  browser: Browser,
  baseURL: string,
  memberEmail: string,
  run: (contexts: { admin: BrowserContext; member: BrowserContext }) => Promise<void>,
) {
  const admin = await browser.newContext();
  const member = await browser.newContext();
  try {
    await signIn(admin.request, baseURL, ADMIN);
    await signIn(member.request, baseURL, memberEmail);
    await run({ admin, member });
  } finally {
    await admin.close();
    await member.close();
  }
}

/** Publishes as the admin through the API (same-origin, cookie session). */
export async function publish(request: APIRequestContext, baseURL: string, body: Record<string, unknown>): Promise<Notification> {
  const res = await request.post(`${baseURL}/api/notifications`, { data: body, headers: { origin: baseURL } });
  expect(res.status(), await res.text()).toBe(201);
  return res.json();
}

/** What axe-core finds serious or critical on the page as it is now (WCAG 2.1 A and AA). */
export async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

/** seriousViolations in light and in dark (the page's colour scheme is emulated in turn, then put back). */
export async function seriousViolationsInBothSchemes(page: Page) {
  const found: string[] = [];
  const initial = await page.evaluate(() => (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light"));
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    found.push(...(await seriousViolations(page)).map((v) => `${colorScheme}: ${v}`));
  }
  await page.emulateMedia({ colorScheme: initial });
  return found;
}

/** The feed cards a page shows with exactly this title (count them: each notification must show once). */
export const cardsTitled = (page: Page, title: string) => page.getByTestId("notification-title").filter({ hasText: new RegExp(`^${title}$`) });

/**
 * Console errors that are not the app's: the browser logs every failed
 * request, and many tests make requests fail on purpose (offline, 401, 429,
 * 503). Anything else on a console, or any uncaught page error, fails the test.
 */
const EXPECTED_CONSOLE_ERRORS = [/^Failed to load resource: /];

/** Collects console errors and page errors from every page of a context. */
function watchConsole(context: BrowserContext, errors: string[]) {
  context.on("console", (message) => {
    if (message.type() !== "error" || EXPECTED_CONSOLE_ERRORS.some((re) => re.test(message.text()))) return;
    errors.push(`console error on ${message.page()?.url() ?? "?"}: ${message.text()}`);
  });
  context.on("weberror", (error) => errors.push(`page error on ${error.page()?.url() ?? "?"}: ${error.error().message}`));
}

export const test = base.extend<{ baseURL: string; cleanConsole: void }>({
  baseURL: async ({}, use) => use(embeddedUrl()),
  // Every context a test opens, by the fixture or by browser.newContext(), is watched.
  cleanConsole: [
    async ({ browser, context }, use) => {
      const errors: string[] = [];
      watchConsole(context, errors);
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (...args) => {
        const created = await newContext(...args);
        watchConsole(created, errors);
        return created;
      };
      try {
        await use();
      } finally {
        browser.newContext = newContext;
      }
      expect(errors, "the pages this test visited logged errors").toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };
