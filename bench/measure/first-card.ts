// Time to first card: the signed-in dashboard loaded again and again in a
// real Chromium (Debian's), each time from the navigation's start to the
// frame that paints the first notification card. With the first page
// rendered on the server that is the HTML's own paint; without it, the
// scripts, the history request and React's render come first.
import { chromium } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "../../testing/chromium";
import { signedInContext, type Screen } from "./time-to-screen";
import { percentile, round } from "./stats";

export interface FirstCard {
  p50Ms: number | null;
  p99Ms: number | null;
  loads: number;
}

const WARM_LOADS = 5;
const TIMED_LOADS = 40;

/**
 * Runs in the page before anything else: notes when a card is first in the document, then the frame after.
 * No named inner functions: the bench's TypeScript loader would wrap them in a helper the page lacks.
 */
function watchFirstCard() {
  new MutationObserver((_records, observer) => {
    if (!document.querySelector('[data-testid="card"]')) return;
    observer.disconnect();
    requestAnimationFrame(() => ((window as unknown as { __firstCardMs: number }).__firstCardMs = performance.now()));
  }).observe(document, { childList: true, subtree: true });
}

export async function measureFirstCard(screen: Screen, log: (line: string) => void): Promise<FirstCard> {
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const context = await signedInContext(browser, screen);
    await context.addInitScript(watchFirstCard);
    const page = await context.newPage();
    const times: number[] = [];
    for (let i = 0; i < WARM_LOADS + TIMED_LOADS; i++) {
      await page.goto(`${screen.url}/`, { waitUntil: "commit" });
      const ms = await page.waitForFunction(() => (window as unknown as { __firstCardMs?: number }).__firstCardMs, undefined, { timeout: 60_000 });
      if (i >= WARM_LOADS) times.push(Number(await ms.jsonValue()));
    }
    const sorted = Float64Array.from(times).sort();
    const result = { p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), loads: times.length };
    log(`time to first card: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms over ${result.loads} loads of the dashboard`);
    return result;
  } finally {
    await browser.close();
  }
}
