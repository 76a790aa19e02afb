// An inbox people can tame: seen vs read (the badge counts unseen;
// opening the bell marks them seen), archive (one, or all read) with an
// "Archived" filter, synced across tabs and devices; and collapse keys that
// replace, not stack, live and after a resume.
import type { Page } from "@playwright/test";
import { startNextServer, type NextServer } from "../testing/next-server";
import { signInCookie } from "../testing/session";
import type { Notification } from "@/lib/shared/types";
import { ADMIN, ALICE, BOB, cardOf, cardsTitled, expect, openDashboard, publishAs, signedInBrowser, test } from "./fixtures";

let server: NextServer;
let admin: string;
test.describe.configure({ mode: "serial" });
test.setTimeout(90_000);

test.beforeAll(async () => {
  server = await startNextServer({ RATE_PUBLISH_PER_MIN: "100000", RATE_SIGNIN_PER_MIN: "1000", RATE_CONNECT_PER_MIN: "100000", RATE_READ_PER_MIN: "100000" });
  admin = await signInCookie(server.url, ADMIN);
});
test.afterAll(async () => server?.stop());



const badge = (page: Page) => page.getByTestId("bell-badge");

test("seen and archived sync across two tabs and another device", async ({ browser }) => {
  const laptop = await signedInBrowser(browser, server.url, BOB);
  const phone = await signedInBrowser(browser, server.url, BOB);
  try {
    const [tab1, tab2] = [await openDashboard(laptop, server.url), await openDashboard(laptop, server.url)] as [Page, Page];
    const other = await openDashboard(phone, server.url);
    const pages = [tab1, tab2, other];
    const toArchive = await publishAs(admin, server.url, { audience: { kind: "all" }, title: "to archive" });
    const toKeep = await publishAs(admin, server.url, { audience: { kind: "all" }, title: "to keep, then archive when read" });
    for (const page of pages) await expect(badge(page)).toHaveText("2");

    // Opening the bell marks what it shows seen: the badge goes, everywhere; nothing is read.
    await tab1.getByTestId("bell-button").click();
    await expect(tab1.getByTestId("bell-menu")).toContainText("to archive");
    // Closed again: an open menu marks what arrives seen too (convergence.spec.ts, 4), and "after the bell" must stay unseen.
    await tab1.keyboard.press("Escape");
    await expect(tab1.getByTestId("bell-menu")).toHaveCount(0);
    for (const page of pages) {
      await expect(badge(page)).toBeHidden();
      await expect(cardOf(page, toArchive.id)).toHaveAttribute("data-read", "false");
    }
    await tab2.reload();
    await expect(cardsTitled(tab2, "to archive")).toHaveCount(1);
    await expect(cardOf(tab2, toArchive.id)).toHaveAttribute("data-seen", "true");
    await expect(badge(tab2)).toBeHidden();
    // A new one after that is unseen again.
    await publishAs(admin, server.url, { audience: { kind: "all" }, title: "after the bell" });
    for (const page of pages) await expect(badge(page)).toHaveText("1");

    // Archive one: it leaves every feed and is under "Archived".
    await cardOf(tab1, toArchive.id).getByTestId("archive").click();
    for (const page of pages) await expect(cardOf(page, toArchive.id)).toHaveCount(0);
    await other.getByTestId("filter-archived").click();
    await expect(cardOf(other, toArchive.id)).toHaveCount(1);
    await expect(cardOf(other, toKeep.id)).toHaveCount(0);

    // Archive all read: the read one goes (the archived list on the other device updates), the unread one stays.
    await cardOf(tab2, toKeep.id).getByTestId("mark-read").click();
    await tab2.getByTestId("archive-read").click();
    await expect(cardOf(tab1, toKeep.id)).toHaveCount(0);
    await expect(cardOf(other, toKeep.id)).toHaveCount(1);
    await expect(cardsTitled(tab1, "after the bell")).toHaveCount(1);
    await other.getByTestId("filter-all").click();
    await expect(cardsTitled(other, "after the bell")).toHaveCount(1);
    await expect(cardOf(other, toKeep.id)).toHaveCount(0);
    await expect(badge(other)).toHaveText("1");
  } finally {
    await Promise.all([laptop.close(), phone.close()]);
  }
});

test("three publishes with one collapse key leave one card (and one toast) with the last text, live and in a tab that resumes after them", async ({ browser }) => {
  const live = await signedInBrowser(browser, server.url, ALICE);
  const away = await signedInBrowser(browser, server.url, ALICE);
  try {
    const livePage = await openDashboard(live, server.url);
    const awayPage = await openDashboard(away, server.url);
    const before = await publishAs(admin, server.url, { audience: { kind: "all" }, title: "before the deploy" });
    await expect(cardsTitled(awayPage, "before the deploy")).toHaveCount(1);
    const unseenBefore = Number(await badge(awayPage).textContent());
    await away.setOffline(true);
    await expect(awayPage.getByTestId("connection-status")).not.toHaveText("Live");
    const steps = ["Deploy 42: building", "Deploy 42: testing", "Deploy 42: live"];
    let last: Notification | undefined;
    for (const title of steps) last = await publishAs(admin, server.url, { audience: { kind: "all" }, title, collapseKey: "deploy:42" });
    const deployCards = (page: Page) => page.getByTestId("notification-title").filter({ hasText: /^Deploy 42: / });
    await expect(deployCards(livePage)).toHaveCount(1);
    await expect(deployCards(livePage)).toHaveText("Deploy 42: live");
    await expect(livePage.getByTestId("toast").filter({ hasText: /Deploy 42/ })).toHaveCount(1);
    await expect(livePage.getByTestId("toast").filter({ hasText: /Deploy 42/ })).toContainText("Deploy 42: live");

    await away.setOffline(false);
    await expect(awayPage.getByTestId("connection-status")).toHaveText("Live");
    await expect(deployCards(awayPage)).toHaveCount(1);
    await expect(deployCards(awayPage)).toHaveText("Deploy 42: live");
    await expect(cardOf(awayPage, last!.id)).toHaveCount(1);
    await expect(cardOf(awayPage, before.id)).toHaveCount(1);
    // The history says the same after a reload, and the badge counts the deploy once.
    await awayPage.reload();
    await expect(deployCards(awayPage)).toHaveCount(1);
    await expect(badge(awayPage)).toHaveText(String(unseenBefore + 1));
  } finally {
    await Promise.all([live.close(), away.close()]);
  }
});

test("a collapse key over 64 characters or with control characters is refused naming the field", async () => {
  for (const collapseKey of ["x".repeat(65), "a\u0000b", ""]) {
    const res = await fetch(`${server.url}/api/notifications`, {
      method: "POST",
      headers: { cookie: admin, origin: server.url, "content-type": "application/json" },
      body: JSON.stringify({ audience: { kind: "all" }, title: "t", collapseKey }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { field: string }).field).toBe("collapseKey");
  }
});
