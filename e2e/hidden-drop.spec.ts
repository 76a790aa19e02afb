// HIDDEN_STREAM_DROP_MIN: a browser whose tabs have all been hidden that long (here one tab) lets go of its
// stream (on Vercel an open stream keeps a function instance alive), and takes it back the moment one is
// seen, resuming by id: what was sent meanwhile shows once. Not while desktop notifications are on: they
// need the stream while nothing is in view. The page's clock is moved, never waited for.
import type { Stats } from "@/lib/shared/types";
import { startNextServer, type NextServer } from "../testing/next-server";
import { signInCookie } from "../testing/session";
import { ALICE, ADMIN, allowHiding, cardsTitled, expect, publishAs, setHidden, signedInBrowser, test } from "./fixtures";

let server: NextServer;
let admin: string;
test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  server = await startNextServer({ HIDDEN_STREAM_DROP_MIN: "1", RATE_CONNECT_PER_MIN: "100000", RATE_SIGNIN_PER_MIN: "1000" });
  admin = await signInCookie(server.url, ADMIN);
});
test.afterAll(async () => server?.stop());

const openStreams = async () =>
  ((await (await fetch(`${server.url}/api/admin/stats`, { headers: { cookie: admin } })).json()) as Stats).connections.total;

test("hidden for the set minutes: the stream goes; seen again: it comes back and shows what was sent meanwhile, once", async ({ browser }) => {
  const context = await signedInBrowser(browser, server.url, ALICE);
  await allowHiding(context);
  try {
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(`${server.url}/`);
    await expect(page.getByTestId("connection-status")).toHaveText("Live");
    await expect.poll(openStreams).toBe(1);
    // Hidden, but for less than the minute: the stream stays and delivers.
    await setHidden(page, true);
    await page.clock.fastForward("00:30");
    const kept = await publishAs(admin, server.url, { audience: { kind: "all" }, title: "hidden a moment" });
    await expect(cardsTitled(page, kept.title)).toHaveCount(1);
    expect(await openStreams()).toBe(1);

    // Hidden for the minute: the browser lets go.
    await page.clock.fastForward("00:35");
    await expect.poll(openStreams).toBe(0);
    const missed = await publishAs(admin, server.url, { audience: { kind: "all" }, title: "sent while hidden" });

    await setHidden(page, false);
    await expect(cardsTitled(page, missed.title)).toHaveCount(1);
    await expect(page.getByTestId("connection-status")).toHaveText("Live");
    await expect.poll(openStreams).toBe(1);
    await expect(cardsTitled(page, kept.title)).toHaveCount(1);
  } finally {
    await context.close();
  }
});

test("with desktop notifications on, a hidden browser keeps its stream", async ({ browser }) => {
  const context = await signedInBrowser(browser, server.url, ALICE);
  await context.grantPermissions(["notifications"], { origin: server.url });
  await allowHiding(context);
  try {
    const settings = await context.newPage();
    await settings.goto(`${server.url}/settings`);
    await settings.getByTestId("desktop-notifications-toggle").click();
    await expect(settings.getByTestId("desktop-notifications-toggle")).toHaveAttribute("aria-pressed", "true");
    await settings.close();
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(`${server.url}/`);
    await expect(page.getByTestId("connection-status")).toHaveText("Live");
    await setHidden(page, true);
    await page.clock.fastForward("05:00");
    // Still live: a notification sent now reaches the hidden page over its stream.
    const sent = await publishAs(admin, server.url, { audience: { kind: "all" }, title: "for the desktop" });
    await expect(cardsTitled(page, sent.title)).toHaveCount(1);
    expect(await openStreams()).toBe(1);
  } finally {
    await context.close();
  }
});
