// Time to screen: a real Chromium page (Debian's, never a download), signed in, on the product's dashboard among the
// N benchmark streams. Each publish carries its publish time as the body; the page notes when a card showing it is
// added to the document (the hook's handler has run and React has committed), then waits for the next animation frame
// (the frame that paints it). Both clocks are this machine's wall clock (performance.timeOrigin + performance.now()).
import { chromium, type Browser, type BrowserContext } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "../../testing/chromium";
import { now } from "../load/protocol";
import { percentile, round } from "./stats";

export interface Screen {
  /** The product's origin, whose dashboard (/) the page opens. */
  url: string;
  /** A member's session cookie header ("name=value; name=value"). */
  cookie: string;
}

export interface ScreenWatch {
  /** Publish-to-paint times so far, ms. */
  read(): Promise<{ p50Ms: number | null; p99Ms: number | null; samples: number }>;
  /** Closes the browser (again is fine). */
  close(): Promise<void>;
}

/** Runs in the page before its own scripts; counts publishes made from `since` on (the history it loads is older). */
function watchCards(since: number) {
  const times: number[] = [];
  const seen = new Set<number>();
  (window as unknown as { __screenTimes: number[] }).__screenTimes = times;
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        const bodies = node.matches('[data-testid="notification-body"]') ? [node] : [...node.querySelectorAll('[data-testid="notification-body"]')];
        for (const body of bodies) {
          const publishedAt = Number(body.textContent);
          if (!(publishedAt >= since) || seen.has(publishedAt)) continue;
          seen.add(publishedAt);
          requestAnimationFrame(() => times.push(performance.timeOrigin + performance.now() - publishedAt));
        }
      }
    }
  }).observe(document, { childList: true, subtree: true });
}

/** A desktop-sized browser context holding the screen's session cookies. */
export async function signedInContext(browser: Browser, screen: Screen): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const { hostname } = new URL(screen.url);
  await context.addCookies(
    screen.cookie.split("; ").map((pair) => {
      const at = pair.indexOf("=");
      return { name: pair.slice(0, at), value: pair.slice(at + 1), domain: hostname, path: "/" };
    }),
  );
  return context;
}

export async function watchScreen(screen: Screen): Promise<ScreenWatch> {
  // Launched from the bench process, so on its core (children inherit the affinity), never on the servers'.
  const browser: Browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const context = await signedInContext(browser, screen);
    await context.addInitScript(watchCards, now());
    const page = await context.newPage();
    await page.goto(`${screen.url}/`);
    await page.getByTestId("connection-status").filter({ hasText: "Live" }).waitFor({ timeout: 60_000 });
    return {
      async read() {
        const times = await page.evaluate(() => (window as unknown as { __screenTimes: number[] }).__screenTimes.slice());
        const sorted = Float64Array.from(times).sort();
        return { p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), samples: times.length };
      },
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
