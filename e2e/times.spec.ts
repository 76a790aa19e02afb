// Times people read (relative times), in Chromium: a card says how
// long ago, in the browser's language, kept current as the page's clock moves
// (moved here, never waited for), with the exact time in <time datetime> and
// its title; the feed groups cards under their day; axe finds nothing serious
// in light or dark.
import { ADMIN, ALICE, cardOf, expect, publish, seriousViolationsInBothSchemes, signIn, signedInBrowser, test } from "./fixtures";

for (const { width, height, colorScheme, locale, now, minutesAgo, today } of [
  { width: 390, height: 844, colorScheme: "dark", locale: "en-US", now: "now", minutesAgo: "5 minutes ago", today: "Today" },
  { width: 1280, height: 860, colorScheme: "light", locale: "de-DE", now: "jetzt", minutesAgo: "vor 5 Minuten", today: "Heute" },
] as const) {
  test(`${width} px, ${colorScheme}, ${locale}: relative times kept current, the exact one in <time>, grouped by day`, async ({ browser, baseURL }) => {
    const admin = await signedInBrowser(browser, baseURL, ADMIN);
    const member = await browser.newContext({ viewport: { width, height }, colorScheme, locale });
    try {
      await signIn(member.request, baseURL, ALICE);
      const page = await member.newPage();
      await page.clock.install();
      await page.goto(`${baseURL}/`);
      await expect(page.getByTestId("connection-status")).toHaveText("Live");
      const sent = await publish(admin.request, baseURL, { audience: { kind: "all" }, title: `Times ${width}` });
      const time = cardOf(page, sent.id).getByTestId("relative-time");
      await expect(time).toHaveText(now);
      await expect(time).toHaveAttribute("datetime", sent.createdAt);
      await expect(time).toHaveAttribute("title", /\d/);
      await expect(page.getByTestId("feed-day").first()).toHaveText(today);

      await page.clock.fastForward("05:00");
      await expect(time).toHaveText(minutesAgo);
      // Light and dark both: the times' grey must stay readable.
      expect(await seriousViolationsInBothSchemes(page)).toEqual([]);
    } finally {
      await Promise.all([admin.close(), member.close()]);
    }
  });
}
