// What happened to an alert: the funnel on /admin fills live as
// members' browsers display, read and open it; one alert's page lists its
// recipients' states; acknowledgements that are bad count nothing.
import { startNextServer, type NextServer } from "../testing/next-server";
import { signInCookie } from "../testing/session";
import { collect } from "../testing/sse-reader";
import type { AlertDetail, AlertPage, Stats } from "@/lib/shared/types";
import { ADMIN, ALICE, allowHiding, BOB, cardOf, cardsTitled, expect, openDashboard, publishAs, setHidden, signedInBrowser, test } from "./fixtures";

let server: NextServer;
let admin: string;
let alice: string;
test.describe.configure({ mode: "serial" });
test.setTimeout(90_000);

test.beforeAll(async () => {
  server = await startNextServer({ RATE_PUBLISH_PER_MIN: "100000", RATE_SIGNIN_PER_MIN: "1000", RATE_CONNECT_PER_MIN: "100000" });
  admin = await signInCookie(server.url, ADMIN);
  alice = await signInCookie(server.url, ALICE);
});
test.afterAll(async () => server?.stop());

const api = (cookie: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { cookie, origin: server.url, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });


async function openStreams() {
  return ((await (await api(admin, "/api/admin/stats")).json()) as Stats).connections.total;
}



test("an alert to everyone: the funnel on /admin shows targeted, delivered, displayed, read and opened as they happen, with the time to screen", async ({ browser }) => {
  const aliceBrowser = await signedInBrowser(browser, server.url, ALICE);
  const bobBrowser = await signedInBrowser(browser, server.url, BOB);
  await allowHiding(bobBrowser);
  const lateBrowser = await signedInBrowser(browser, server.url, ADMIN); // a member who is offline when it is sent
  const adminBrowser = await signedInBrowser(browser, server.url, ADMIN);
  try {
    const aliceTabs = [await openDashboard(aliceBrowser, server.url), await openDashboard(aliceBrowser, server.url)];
    const bobTab = await openDashboard(bobBrowser, server.url);
    await setHidden(bobTab, true);
    await expect.poll(openStreams).toBe(2); // alice's two tabs share one stream
    const adminPage = await adminBrowser.newPage();
    await adminPage.goto(`${server.url}/admin`);

    const sent = await publishAs(admin, server.url, { audience: { kind: "all" }, title: "Disk almost full", body: "sda1 at 97%", severity: "warning", link: "/settings" });
    const row = adminPage.locator(`[data-testid="admin-alert"][data-id="${sent.id}"]`);
    const stage = (name: string) => row.getByTestId(`funnel-${name}`);
    await expect(stage("targeted")).toHaveAttribute("data-value", "2");
    await expect(stage("delivered")).toHaveAttribute("data-value", "2");
    // Alice's browser shows it (once, though in two tabs); Bob's tab is in the background.
    await expect(stage("displayed")).toHaveAttribute("data-value", "1");
    await expect(row.getByTestId("funnel-latency")).toHaveText(/p50 \d+ ms · p95 \d+ ms · slowest \d+ ms/);

    await setHidden(bobTab, false);
    await expect(stage("displayed")).toHaveAttribute("data-value", "2");
    const late = await openDashboard(lateBrowser, server.url);
    await expect(cardsTitled(late, "Disk almost full")).toHaveCount(1);
    await expect(stage("displayed")).toHaveAttribute("data-value", "3");
    // The late one had it from the history: delivered there (its display is no latency).
    await expect(stage("delivered")).toHaveAttribute("data-value", "3");

    await cardOf(aliceTabs[0]!, sent.id).getByTestId("mark-read").click();
    await expect(stage("read")).toHaveAttribute("data-value", "1");
    await cardOf(bobTab, sent.id).getByTestId("notification-link").click();
    await expect(bobTab).toHaveURL(/\/settings$/);
    await expect(stage("opened")).toHaveAttribute("data-value", "1");
    await expect(stage("read")).toHaveAttribute("data-value", "2"); // opening the link reads it
    await expect(stage("targeted")).toHaveAttribute("data-value", "2");

    // Sent through the API with a token: listed with the token's name.
    const tokenRes = await api(admin, "/api/tokens", { name: "ci-deploys" });
    const { token } = (await tokenRes.json()) as { token: string };
    const viaToken = await fetch(`${server.url}/api/notifications`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ audience: { kind: "all" }, title: "Deploy 7 finished" }),
    });
    expect(viaToken.status).toBe(201);
    const tokenRow = adminPage.getByTestId("admin-alert").first();
    await expect(tokenRow).toContainText("Deploy 7 finished");
    await expect(tokenRow).toContainText("via token “ci-deploys”");
  } finally {
    await Promise.all([aliceBrowser.close(), bobBrowser.close(), lateBrowser.close(), adminBrowser.close()]);
  }
});

test("a user-addressed alert's page lists that recipient's states; members cannot read any funnel (403)", async ({ browser }) => {
  const bobBrowser = await signedInBrowser(browser, server.url, BOB);
  const adminBrowser = await signedInBrowser(browser, server.url, ADMIN);
  const aliceBrowser = await signedInBrowser(browser, server.url, ALICE);
  try {
    const bobTab = await openDashboard(bobBrowser, server.url);
    const sent = await publishAs(admin, server.url, { title: "Your laptop needs an update", audience: { kind: "user", userId: BOB } });
    const adminPage = await adminBrowser.newPage();
    await adminPage.goto(`${server.url}/admin/alerts/${sent.id}`);
    const recipients = adminPage.getByTestId("recipient");
    await expect(recipients).toHaveCount(1);
    await expect(recipients).toContainText("bob@example.com");
    const state = (name: string) => recipients.getByTestId(`recipient-${name}`);
    await expect(state("delivered")).toHaveAttribute("data-value", "true");
    await expect(state("displayed")).toHaveAttribute("data-value", "true");
    await expect(state("read")).toHaveAttribute("data-value", "false");
    await cardOf(bobTab, sent.id).getByTestId("mark-read").click();
    await expect(state("read")).toHaveAttribute("data-value", "true");
    await expect(state("opened")).toHaveAttribute("data-value", "false");

    expect((await api(alice, "/api/admin/alerts")).status).toBe(403);
    expect((await api(alice, `/api/admin/alerts/${sent.id}`)).status).toBe(403);
    const alicePage = await aliceBrowser.newPage();
    await alicePage.goto(`${server.url}/admin/alerts/${sent.id}`);
    await expect(alicePage.getByRole("heading", { name: "Admins only" })).toBeVisible();
    expect((await api(admin, "/api/admin/alerts/99-0")).status).toBe(404);
    expect((await api(admin, "/api/admin/alerts/not-an-id")).status).toBe(400);
  } finally {
    await Promise.all([bobBrowser.close(), adminBrowser.close(), aliceBrowser.close()]);
  }
});

test("acknowledgements: bad ones get a clear 400 and count nothing; a person counts once, whatever their browsers", async () => {
  const forBob = await publishAs(admin, server.url, { title: "only for bob", audience: { kind: "user", userId: BOB } });
  const forAll = await publishAs(admin, server.url, { audience: { kind: "all" }, title: "for everyone" });
  const ack = (body: unknown) => api(alice, "/api/notifications/ack", body);
  const displayed = (id: string, browserId = "browser-alice-1") => ({ browserId, displayed: [{ id, displayedAt: Date.now(), live: true }] });
  const funnelOf = async (id: string) => ((await (await api(admin, `/api/admin/alerts/${id}`)).json()) as AlertDetail).alert.funnel;

  const cases: [string, unknown, RegExp][] = [
    ["an unknown id", displayed("12345-0"), /Unknown notifications, or not addressed to you: 12345-0/],
    ["an id addressed to someone else", displayed(forBob.id), new RegExp(`not addressed to you: ${forBob.id}`)],
    ["a mix of good and bad ids", { browserId: "browser-alice-1", displayed: [{ id: forAll.id, displayedAt: 1 }], opened: [forBob.id] }, /Nothing was counted/],
    ["too many ids", { browserId: "browser-alice-1", displayed: Array.from({ length: 101 }, () => ({ id: forAll.id, displayedAt: 1 })) }, /At most 100 displayed ids/],
    ["a time that is not a number", { browserId: "browser-alice-1", displayed: [{ id: forAll.id, displayedAt: "now" }] }, /./],
    ["an id that is not an id", { browserId: "browser-alice-1", opened: ["<script>"] }, /Not a notification id/],
    ["a bad browser id", displayed(forAll.id, "x"), /browserId is 8–64/],
    ["nothing to acknowledge", { browserId: "browser-alice-1" }, /Acknowledge at least one id/],
    ["an unknown field", { ...displayed(forAll.id), extra: 1 }, /./],
  ];
  for (const [what, body, message] of cases) {
    const res = await ack(body);
    expect(res.status, what).toBe(400);
    const error = (await res.json()) as { error: string };
    expect(error.error, what).toMatch(message);
  }
  expect((await api(alice, "/api/notifications/ack", undefined)).status).toBe(405);
  expect(await funnelOf(forAll.id)).toMatchObject({ displayed: 0, opened: 0, read: 0 });
  expect(await funnelOf(forBob.id)).toMatchObject({ displayed: 0, opened: 0 });

  expect((await ack(displayed(forAll.id))).status).toBe(200);
  expect((await ack(displayed(forAll.id))).status).toBe(200); // the same browser again
  expect(await funnelOf(forAll.id)).toMatchObject({ displayed: 1 });
  expect((await ack(displayed(forAll.id, "browser-alice-2"))).status).toBe(200);
  const funnel = await funnelOf(forAll.id);
  expect(funnel.displayed).toBe(1); // "the funnel counts people" (docs/api.md): made-up browser ids add nothing
  expect(funnel.displayLatencyMs!.max).toBeGreaterThanOrEqual(0);
  // A clock far ahead cannot make a latency longer than the time since publish.
  const future = await publishAs(admin, server.url, { audience: { kind: "all" }, title: "clock skew" });
  expect((await ack({ browserId: "browser-alice-1", displayed: [{ id: future.id, displayedAt: Date.now() + 3_600_000, live: true }] })).status).toBe(200);
  expect((await funnelOf(future.id)).displayLatencyMs!.max).toBeLessThan(60_000);
  // Alerts list for admins: newest first, paged.
  const list = (await (await api(admin, "/api/admin/alerts")).json()) as AlertPage;
  expect(list.items[0]!.id).toBe(future.id);
});

test("an alert first seen from history: the funnel says delivered and displayed, untimed, as its recipients table does", async ({ browser }) => {
  const sent = await publishAs(admin, server.url, { title: "Sent while Bob was away", audience: { kind: "user", userId: BOB } });
  const bobBrowser = await signedInBrowser(browser, server.url, BOB);
  const adminBrowser = await signedInBrowser(browser, server.url, ADMIN);
  try {
    const bobTab = await openDashboard(bobBrowser, server.url);
    await expect(cardOf(bobTab, sent.id)).toHaveCount(1);
    const adminPage = await adminBrowser.newPage();
    await adminPage.goto(`${server.url}/admin/alerts/${sent.id}`);
    const funnel = adminPage.getByTestId("funnel");
    await expect(funnel.getByTestId("funnel-displayed")).toHaveAttribute("data-value", "1");
    await expect(funnel.getByTestId("funnel-targeted")).toHaveAttribute("data-value", "0");
    await expect(funnel.getByTestId("funnel-delivered")).toHaveAttribute("data-value", "1");
    await expect(funnel.getByTestId("funnel-latency")).toHaveText("To screen: shown from history only (a live display is what is timed)");
    await expect(adminPage.getByTestId("recipient").getByTestId("recipient-delivered")).toHaveAttribute("data-value", "true");
  } finally {
    await Promise.all([bobBrowser.close(), adminBrowser.close()]);
  }
});

test("/admin's Delivered counts this instance's deliveries as they happen, not at its next presence report", async () => {
  const controller = new AbortController();
  const stream = collect((await fetch(`${server.url}/api/events`, { headers: { cookie: alice }, signal: controller.signal })).body!);
  try {
    await stream.waitFor((events) => events.some((e) => e.event === "connected"));
    const delivered = async () => ((await (await api(admin, "/api/admin/stats")).json()) as Stats).delivered;
    // The first delivery may ride on the report the stream's opening schedules; the second has none to ride on.
    const first = await publishAs(admin, server.url, { title: "counted one", audience: { kind: "user", userId: ALICE } });
    await stream.waitFor((events) => events.some((e) => e.id === first.id));
    await expect.poll(delivered).toBeGreaterThan(0);
    const before = await delivered();
    const second = await publishAs(admin, server.url, { title: "counted two", audience: { kind: "user", userId: ALICE } });
    await stream.waitFor((events) => events.some((e) => e.id === second.id));
    expect(await delivered()).toBeGreaterThanOrEqual(before + 1);
  } finally {
    controller.abort();
  }
});
