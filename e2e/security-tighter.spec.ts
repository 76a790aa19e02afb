// The third security review, each hole through the API of a real
// production server: bodies on next-auth's routes, history floods, forced and
// variant sign-outs, what counts and replays tell of others' alerts, stream
// opens from other sites, token floods, sign-in limits per address, and
// publishes that forget their audience.
import { startNextServer, type NextServer } from "../testing/next-server";
import { signInAttempt, signInCookie, signOut } from "../testing/session";
import { collect } from "../testing/sse-reader";
import type { Notification, NotificationPage } from "@/lib/shared/types";
import { ADMIN, ALICE, BOB, expect, test } from "./fixtures";

test.describe.configure({ mode: "serial" });

let server: NextServer;
let admin: string;

test.beforeAll(async () => {
  server = await startNextServer({ RATE_HISTORY_PER_MIN: "5", RATE_PUBLISH_PER_MIN: "4", RATE_SIGNIN_PER_MIN: "5", RATE_SIGNIN_ADDRESS_PER_MIN: "15", TRUST_PROXY: "1" });
  admin = await signInCookie(server.url, ADMIN, "demo");
});
test.afterAll(async () => server?.stop());

const json = (cookie: string, body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { cookie, origin: server.url, "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

const stillSignedIn = async (cookie: string) => (await fetch(`${server.url}/api/channels`, { headers: { cookie } })).status === 200;

/** A sign-in attempt from `address` (the proxy header counts: TRUST_PROXY=1 on this server). */
const signInFrom = (address: string, email: string, password: string) => signInAttempt(server.url, email, password, { "x-forwarded-for": address });

test("2. next-auth's routes refuse a body over MAX_BODY_BYTES with 413, before parsing it", async () => {
  const res = await fetch(`${server.url}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `email=${"a".repeat(64 * 1024)}`,
  });
  expect(res.status).toBe(413);
  expect((await res.json()).error).toMatch(/larger than 16384 bytes/);
});

test("3. history is rate limited per person (RATE_HISTORY_PER_MIN)", async () => {
  const member = await signInCookie(server.url, BOB);
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await fetch(`${server.url}/api/notifications`, { headers: { cookie: member } })).status);
  expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  const refused = await fetch(`${server.url}/api/notifications`, { headers: { cookie: member } });
  expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
});

test("4. a sign-out from another origin, or without next-auth's CSRF token, signs nobody out", async () => {
  const member = await signInCookie(server.url, ALICE);
  const elsewhere = await signOut(server.url, member, { origin: "http://127.0.0.1:1" });
  expect(elsewhere.status).toBe(403);
  expect(await stillSignedIn(member)).toBe(true);
  await signOut(server.url, member, { csrfToken: "not-the-token" });
  expect(await stillSignedIn(member)).toBe(true);
});

for (const path of ["/api/auth/signou%74", "/api/auth/signout/x", "/api/auth/%73ignout"]) {
  test(`5. a sign-out by a path variant (${path}) revokes the session: a copy of the cookie stops working`, async () => {
    const member = await signInCookie(server.url, ALICE);
    const res = await signOut(server.url, member, { path });
    expect(res.status).toBeLessThan(400);
    expect(await stillSignedIn(member)).toBe(false);
  });
}

test("6. counts, marks and replays tell a member nothing of alerts to others", async () => {
  const member = await signInCookie(server.url, ALICE);
  const mine = (await (await fetch(`${server.url}/api/notifications`, json(admin, { title: "to alice", audience: { kind: "user", userId: ALICE } }))).json()) as Notification;
  const theirs = (await (await fetch(`${server.url}/api/notifications`, json(admin, { title: "to bob only", audience: { kind: "user", userId: BOB } }))).json()) as Notification;
  const page = (await (await fetch(`${server.url}/api/notifications?limit=5`, { headers: { cookie: member } })).json()) as NotificationPage;
  expect(page.unreadAsOf).toBe(mine.id);
  const seen = await (await fetch(`${server.url}/api/notifications/seen`, json(member, { upTo: "99999999999999-0" }))).json();
  expect(seen.unreadAsOf).toBe(mine.id);
  // A resume from just after Bob's alert, or just before it: neither says whether anything came after it.
  for (const probe of [theirs.id, `${Number(theirs.id.split("-")[0]) + 1}-0`]) {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/events`, { headers: { cookie: member, "last-event-id": probe }, signal: controller.signal });
    const stream = collect(res.body!);
    await stream.waitFor((e) => e.some((x) => x.event === "connected"));
    await (await fetch(`${server.url}/api/notifications`, json(admin, { title: `probe ${probe}`, audience: { kind: "user", userId: ALICE } }))).json();
    await stream.waitFor((e) => e.some((x) => x.event === "notification"));
    expect(stream.events.some((x) => x.event === "reset")).toBe(false);
    controller.abort();
  }
});

test("7. a stream open that another site's page triggers is refused and costs the person nothing", async () => {
  const member = await signInCookie(server.url, BOB);
  for (let i = 0; i < 10; i++) {
    const res = await fetch(`${server.url}/api/events`, { headers: { cookie: member, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" } });
    expect(res.status).toBe(403);
  }
  const controller = new AbortController();
  const own = await fetch(`${server.url}/api/events`, { headers: { cookie: member, "sec-fetch-site": "same-origin" }, signal: controller.signal });
  expect(own.status).toBe(200);
  controller.abort();
});

test("8. at most 25 API tokens a person, and a new token is no new publish budget", async () => {
  const create = (name: string) => fetch(`${server.url}/api/tokens`, json(admin, { name }));
  const created: { token: string }[] = [];
  for (let i = 0; ; i++) {
    const res = await create(`t${i}`);
    if (res.status !== 201) {
      expect(res.status).toBe(409);
      expect((await res.json()).error).toMatch(/25 API tokens/);
      break;
    }
    created.push(await res.json());
  }
  expect(created.length).toBeLessThanOrEqual(25);
  const publishWith = (token: string) =>
    fetch(`${server.url}/api/notifications`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "budget", audience: { kind: "all" } }),
    });
  const statuses: number[] = [];
  for (const { token } of created.slice(0, 6)) statuses.push((await publishWith(token)).status);
  // RATE_PUBLISH_PER_MIN is 4 for the person, however many tokens (earlier tests of this file published too).
  expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(4);
  expect(statuses.at(-1)).toBe(429);
});

test("10. sign-in limits hold per email and address: a stranger cannot lock the admin out, and one address cannot try every email", async () => {
  for (let i = 0; i < 5; i++) expect((await signInFrom("203.0.113.9", ADMIN, "wrong")).ok).toBe(false);
  expect((await signInFrom("203.0.113.9", ADMIN, "demo")).url).toMatch(/Too many sign-in attempts/);
  expect((await signInFrom("198.51.100.7", ADMIN, "demo")).ok).toBe(true);
  // RATE_SIGNIN_ADDRESS_PER_MIN is 15 in a fixed one-minute window. Sign-ins hash a password each, so on a
  // busy machine 16 in a row may straddle a minute's end; 31 span at most two windows, so one is refused.
  const flood: string[] = [];
  for (let i = 0; i < 31 && !flood.some((url) => /Too many/.test(url)); i++) {
    flood.push((await signInFrom("203.0.113.50", `nobody-${i}@example.com`, "guess")).url);
  }
  expect(flood.at(-1)).toMatch(/Too many sign-in attempts/);
  expect(flood.length).toBeGreaterThanOrEqual(16);
});

test("11. a publish must name its audience, unknown fields are refused by name, and media types are parsed", async () => {
  const send = async (body: unknown, type = "application/json") =>
    fetch(`${server.url}/api/notifications`, { method: "POST", headers: { cookie: admin, origin: server.url, "content-type": type }, body: JSON.stringify(body) });
  const missing = await send({ title: "to whom?" });
  expect(missing.status).toBe(400);
  expect((await missing.json()).field).toBe("audience");
  const misspelt = await send({ title: "a typo", audiance: { kind: "user", userId: BOB } });
  expect(misspelt.status).toBe(400);
  expect(await misspelt.json()).toMatchObject({ field: "audiance" });
  expect((await send({ title: "t", audience: { kind: "all" } }, "text/plain; application/json")).status).toBe(415);
  expect((await send({ title: "t", audience: { kind: "all" } }, "application/json; charset=utf-8")).status).not.toBe(415);
});
