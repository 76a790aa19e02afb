// A soak: two devices of one person, four tabs, and a minute of
// random faults (networks dropped, replies slowed, the server restarted, the
// tab holding the stream paused) mixed with publishes, marks and archives;
// on Redis (a restart keeps the history) and on the embedded store (a restart
// loses it all, and every tab must say so and show the new server's nothing).
// Then quiet: every tab's badge and feed must equal the server's. The faults
// come from a seeded generator; the seed is printed, and SOAK_SEED replays it.
import type { BrowserContext, CDPSession, Page } from "@playwright/test";
import { startNextServer, type NextServer } from "../testing/next-server";
import { startRedis, type RedisServer } from "../testing/redis";
import { signInCookie } from "../testing/session";
import type { NotificationPage } from "@/lib/shared/types";
import { addCookieHeader, ALICE, expect, test } from "./fixtures";

const SOAK_MS = 60_000;

/** mulberry32: small, seeded, good enough to pick faults. */
function generator(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

for (const mode of ["redis", "embedded"] as const) test(`${mode}: a minute of random faults on two devices and four tabs, then quiet: every tab shows what the server holds`, async ({ browser }) => {
  test.setTimeout(SOAK_MS + 150_000);
  const seed = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`[soak ${mode}] seed ${seed} (SOAK_SEED=${seed} replays it)`);
  const random = generator(seed);
  const pick = <T,>(items: T[]) => items[Math.floor(random() * items.length)]!;

  const redis: RedisServer | null = mode === "redis" ? await startRedis() : null;
  const env = { ...(redis ? { REDIS_URL: redis.url } : {}), SSE_HEARTBEAT_MS: "1000", RATE_CONNECT_PER_MIN: "100000", RATE_PUBLISH_PER_MIN: "100000", RATE_READ_PER_MIN: "100000", RATE_ACK_PER_MIN: "100000" };
  let server: NextServer = await startNextServer(env);
  const contexts: BrowserContext[] = [];
  try {
    const admin = await signInCookie(server.url, "admin@example.com");
    const cookie = await signInCookie(server.url, ALICE);
    const api = (path: string, who: string, body: unknown) =>
      fetch(`${server.url}${path}`, { method: "POST", headers: { cookie: who, origin: server.url, "content-type": "application/json" }, body: JSON.stringify(body) }).catch(() => null);
    const devices: { context: BrowserContext; tabs: Page[] }[] = [];
    for (const tabCount of [3, 1]) {
      const context = await browser.newContext();
      contexts.push(context);
      await addCookieHeader(context, server.url, cookie);
      const tabs: Page[] = [];
      for (let i = 0; i < tabCount; i++) {
        const page = await context.newPage();
        await page.goto(`${server.url}/`);
        await expect(page.getByTestId("connection-status")).toHaveText("Live");
        tabs.push(page);
      }
      devices.push({ context, tabs });
    }
    const allTabs = devices.flatMap((d) => d.tabs);
    const paused = new Map<Page, CDPSession>();
    const slowed = new Set<Page>();
    let published = 0;
    const faults: string[] = [];

    const until = Date.now() + SOAK_MS;
    while (Date.now() < until) {
      const roll = random();
      // A paused tab answers no input: it is left alone until it is resumed.
      const tab = pick(allTabs.filter((t) => !paused.has(t)));
      const device = pick(devices);
      try {
        if (roll < 0.25) {
          const count = 1 + Math.floor(random() * 5);
          const key = random() < 0.3 ? { collapseKey: `deploy:${Math.floor(random() * 3)}` } : {};
          await Promise.all(
            Array.from({ length: count }, () => api("/api/notifications", admin, { title: `soak ${published++}`, audience: { kind: "user", userId: ALICE }, ...key })),
          );
        } else if (roll < 0.4) {
          const unread = tab.locator('[data-testid="notification-item"][data-read="false"] [data-testid="mark-read"]');
          if ((await unread.count()) > 0) await unread.first().click({ timeout: 2_000 });
        } else if (roll < 0.47) {
          await tab.getByTestId("bell-button").click({ timeout: 2_000 });
          await tab.keyboard.press("Escape");
        } else if (roll < 0.54) {
          const archive = tab.locator('[data-testid="notification-item"] [data-testid="archive"]');
          if ((await archive.count()) > 0) await archive.first().click({ timeout: 2_000 });
        } else if (roll < 0.6) {
          await api("/api/notifications/read", cookie, random() < 0.5 ? { all: true } : { ids: [] });
        } else if (roll < 0.64) {
          await api("/api/notifications/archive", cookie, { allRead: true });
        } else if (roll < 0.72) {
          faults.push("offline");
          await device.context.setOffline(true);
          await new Promise((r) => setTimeout(r, 500 + random() * 3_000));
          await device.context.setOffline(false);
        } else if (roll < 0.8) {
          if (slowed.has(tab)) {
            await tab.unroute("**/api/notifications**");
            slowed.delete(tab);
          } else {
            faults.push("slow replies");
            const delay = 500 + random() * 3_000;
            await tab.route("**/api/notifications**", async (route) => {
              const response = await route.fetch().catch(() => null);
              await new Promise((r) => setTimeout(r, delay));
              if (response) await route.fulfill({ response }).catch(() => {});
              else await route.abort().catch(() => {});
            });
            slowed.add(tab);
          }
        } else if (roll < 0.86) {
          if (paused.size > 0) {
            const [hung, session] = [...paused][0]!;
            await wake(session);
            paused.delete(hung);
          } else {
            faults.push("paused tab");
            const session = await tab.context().newCDPSession(tab);
            await session.send("Debugger.enable");
            await session.send("Debugger.pause");
            paused.set(tab, session);
          }
        } else if (roll < 0.9) {
          faults.push("server restart");
          const port = server.port;
          await server.stop();
          server = await startNextServer(env, { port });
        } else {
          await new Promise((r) => setTimeout(r, random() * 1_000));
        }
      } catch (error) {
        // A step that could not run (a paused tab does not click): the soak goes on.
        if (!(error instanceof Error) || !/Timeout|Target|paused|closed/i.test(error.message)) throw error;
      }
    }

    // Quiet: every fault undone.
    for (const [, session] of paused) await wake(session);
    for (const tab of slowed) await tab.unroute("**/api/notifications**");
    for (const d of devices) await d.context.setOffline(false);
    console.log(`[soak ${mode}] ${published} published; faults: ${faults.length} (${[...new Set(faults)].join(", ")})`);

    const truth = async (): Promise<NotificationPage> => (await fetch(`${server.url}/api/notifications?limit=100`, { headers: { cookie } })).json();
    const drift = async () => {
      const held = await truth();
      const differences: string[] = [];
      for (const [i, tab] of allTabs.entries()) {
        // One look at the page: a badge read in two steps (is it there? its text?) waits for ever once it goes in between.
        const { badge, shown } = await tab.evaluate(() => ({
          badge: Number(document.querySelector('[data-testid="bell-badge"]')?.textContent ?? 0),
          shown: [...document.querySelectorAll('[data-testid="notification-item"]')].map((c) => `${c.getAttribute("data-id")}:${c.getAttribute("data-read")}`),
        }));
        if (badge !== held.unseenCount) differences.push(`tab ${i}: badge ${badge}, server ${held.unseenCount} unseen`);
        const expected = held.items.slice(0, shown.length).map((n) => `${n.id}:${n.read}`);
        if (shown.join() !== expected.join()) differences.push(`tab ${i}: feed ${shown.slice(0, 5).join(" ")}… against ${expected.slice(0, 5).join(" ")}…`);
        if (shown.length < Math.min(30, held.items.length)) differences.push(`tab ${i}: ${shown.length} cards, server ${held.items.length}`);
      }
      return differences;
    };
    await expect.poll(drift, { timeout: 60_000, intervals: [1_000] }).toEqual([]);
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
    await server.stop();
    await redis?.destroy();
  }
});

/**
 * Lets a paused tab run again. A pause takes hold only at the tab's next
 * script: one that ran none since is not paused yet, and resuming it fails;
 * turning the debugger off drops the pause that was still to come either way.
 */
async function wake(session: CDPSession) {
  await session.send("Debugger.resume").catch((error: Error) => {
    if (!/only perform operation while paused/.test(error.message)) throw error;
  });
  await session.send("Debugger.disable");
}
