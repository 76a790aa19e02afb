// The channel catalog: admins create channels (some followed by everyone
// new), pick one in the form and delete others; a publish or a webhook to a
// channel not in the catalog is a 400 naming the ones there are, so a typo
// reaches nobody silently no more. At a phone's and a desktop's width.
import type { NextServer } from "../testing/next-server";
import { signInCookie } from "../testing/session";
import { addCookieHeader, BOB, expect, postAs, startServerForAdminAndAlice, test } from "./fixtures";

let server: NextServer;
let admin: string;
let alice: string;

test.beforeAll(async () => {
  ({ server, admin, alice } = await startServerForAdminAndAlice());
});
test.afterAll(async () => server?.stop());

const channelsOf = async (cookie: string) => (await (await fetch(`${server.url}/api/channels`, { headers: { cookie } })).json()) as { channels: { name: string }[]; following: string[] };
const putChannel = (cookie: string, name: string, body: unknown) =>
  fetch(`${server.url}/api/admin/channels/${name}`, { method: "PUT", headers: { cookie, origin: server.url, "content-type": "application/json" }, body: JSON.stringify(body) });

for (const [width, height, scheme] of [[390, 844, "light"], [1280, 860, "dark"]] as const) {
  test(`at ${width} px (${scheme}): an admin creates a channel new people follow, sends to it from the form, and deletes another`, async ({ browser }) => {
    const [created, doomed] = [`payments-${width}`, `retired-${width}`];
    expect((await putChannel(admin, doomed, { description: "Old" })).status).toBe(201);
    const context = await browser.newContext({ viewport: { width, height }, colorScheme: scheme });
    await addCookieHeader(context, server.url, admin);
    const page = await context.newPage();
    await page.goto(`${server.url}/admin`);

    await page.getByTestId("catalog-name").fill(created);
    await page.getByTestId("catalog-description").fill("Charges and refunds");
    await page.getByTestId("catalog-new-default").check();
    await page.getByTestId("catalog-create").click();
    await expect(page.getByTestId(`catalog-${created}`)).toContainText("Charges and refunds");
    await expect(page.getByTestId(`catalog-default-${created}`)).toBeChecked();

    await page.getByTestId("admin-audience").selectOption("channel");
    await page.getByTestId("admin-channel").selectOption(created);
    await page.getByTestId("admin-title").fill(`to ${created}`);
    await page.getByTestId("admin-send").click();
    await expect(page.getByTestId("admin-result")).toContainText("Sent as");

    await page.getByTestId(`catalog-delete-${doomed}`).click();
    await page.getByTestId(`catalog-confirm-delete-${doomed}`).click();
    await expect(page.getByTestId(`catalog-${doomed}`)).toHaveCount(0);
    await expect(page.getByTestId("admin-channel").locator(`option[value="${doomed}"]`)).toHaveCount(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.getByTestId("channel-catalog").screenshot({ path: test.info().outputPath(`catalog-${width}.png`) });

    // Alice, here before, chose nothing new; the channel she cannot follow any more is not listed.
    const hers = await channelsOf(alice);
    expect(hers.following).not.toContain(created);
    expect(hers.channels.map((c) => c.name)).toEqual(expect.arrayContaining([created]));
    expect(hers.channels.map((c) => c.name)).not.toContain(doomed);
    await context.close();
  });
}

test("someone signing in for the first time follows the channels followed by default then, and sees what was sent to them", async () => {
  expect((await putChannel(admin, "on-call", { description: "Pages", followedByDefault: true })).status).toBe(201);
  expect((await postAs(server.url, "/api/notifications", admin, { title: "before Bob came", audience: { kind: "channel", channel: "on-call" } })).status).toBe(201);
  const bob = await signInCookie(server.url, BOB);
  expect((await channelsOf(bob)).following).toEqual(expect.arrayContaining(["ops", "on-call"]));
  const history = (await (await fetch(`${server.url}/api/notifications`, { headers: { cookie: bob } })).json()) as { items: { title: string }[] };
  expect(history.items.map((n) => n.title)).toContain("before Bob came");
  // A later default is for people who come after: Bob's follows stay his.
  expect((await putChannel(admin, "later", { followedByDefault: true })).status).toBe(201);
  expect((await channelsOf(bob)).following).not.toContain("later");
});

test("a publish or a webhook to a channel not in the catalog is a 400 naming the channels; members cannot change the catalog", async () => {
  const typo = await postAs(server.url, "/api/notifications", admin, { title: "x", audience: { kind: "channel", channel: "deploy" } });
  expect(typo.status).toBe(400);
  const body = (await typo.json()) as { error: string; field: string; channels: string[] };
  expect(body.error).toMatch(/There is no channel named "deploy"\. The channels are: .*deploys/);
  expect(body).toMatchObject({ field: "audience.channel" });
  expect(body.channels).toEqual(expect.arrayContaining(["deploys", "ops"]));

  const made = await postAs(server.url, "/api/tokens", admin, { name: "hooks", scope: "hooks" });
  const { token } = (await made.json()) as { token: string };
  const hook = await fetch(`${server.url}/api/hooks/grafana?channel=opps`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ status: "firing", alerts: [{ status: "firing", labels: { alertname: "x" }, fingerprint: "f1" }] }) });
  expect(hook.status).toBe(400);
  expect(await hook.text()).toContain('no channel named \\"opps\\"');

  expect((await putChannel(alice, "mine", {})).status).toBe(403);
  expect((await fetch(`${server.url}/api/admin/channels/deploys`, { method: "DELETE", headers: { cookie: alice, origin: server.url } })).status).toBe(403);
  expect((await putChannel(admin, "Not A Name", {})).status).toBe(400);
  expect((await putChannel(admin, "fine", { followedByDefault: "yes" })).status).toBe(400);
  expect((await fetch(`${server.url}/api/admin/channels/never-was`, { method: "DELETE", headers: { cookie: admin, origin: server.url } })).status).toBe(404);
});
