// Reaching people who are not looking, in each store mode: a critical alert
// published while Alice has no dashboard tab open goes through a real push
// service run locally (testing/push-service.ts: it checks the VAPID
// signature and decrypts the payload) to her browser's service worker (fed
// the decrypted payload through DevTools' ServiceWorker.deliverPushMessage,
// as the browser's own push service would). Acknowledging one from the
// notification stops its escalation: no email is sent for it; the other,
// left alone, reaches her by email (a real SMTP server) once escalateAfter
// has passed, and then the admins. Upstash mode runs its delayed work as
// Vercel does, through QStash (a local stand-in: testing/qstash-local.ts).
import { readFileSync } from "node:fs";
import path from "node:path";
import webpush from "web-push";
import type { BrowserContext, CDPSession, Worker } from "@playwright/test";
import { startUpstashLocal, type UpstashLocal } from "../scripts/upstash-local/server";
import { startNextServer, type NextServer } from "../testing/next-server";
import { startPushService, type LocalSubscription, type TestPushService } from "../testing/push-service";
import { qstashSignature, startLocalQstash, type LocalQstash } from "../testing/qstash-local";
import { startRedis, type RedisServer } from "../testing/redis";
import { signInCookie } from "../testing/session";
import { startSmtpServer, type TestSmtpServer } from "../testing/smtp-server";
import { until } from "../testing/until";
import type { AlertDetail, AlertPage, Notification as AppNotification, PushSettings } from "@/lib/shared/types";
import { addCookieHeader, ADMIN, ALICE, BOB, cardOf, expect, liveDashboardAs, postAs, test } from "./fixtures";

test.describe.configure({ mode: "serial" });
// Two 10 s escalation steps (the shortest there is), with room for a busy machine.
test.setTimeout(120_000);

/** What the page's PushManager answers instead of Chromium's, which would ask a push service that cannot be reached from here: the local one's subscription. */
async function useLocalPushService(context: BrowserContext, local: LocalSubscription) {
  await context.addInitScript((subscription) => {
    const key = "test-push-subscribed";
    const fake = {
      endpoint: subscription.endpoint,
      toJSON: () => ({ ...subscription, expirationTime: null }),
      unsubscribe: async () => {
        localStorage.removeItem(key);
        return true;
      },
    };
    PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
      localStorage.setItem(key, String(options?.applicationServerKey));
      return fake as unknown as PushSubscription;
    };
    PushManager.prototype.getSubscription = async () => (localStorage.getItem(key) ? (fake as unknown as PushSubscription) : null);
  }, local.subscription);
}

async function serviceWorkerOf(context: BrowserContext): Promise<Worker> {
  return context.serviceWorkers()[0] ?? context.waitForEvent("serviceworker");
}

/** The service worker's registration id, as DevTools names it. */
async function registrationId(cdp: CDPSession, scope: string): Promise<string> {
  let id: string | null = null;
  cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
    for (const r of registrations) if (r.scopeURL === scope && !r.isDeleted) id = r.registrationId;
  });
  await cdp.send("ServiceWorker.enable");
  await until(() => id !== null);
  return id!;
}

/** The service worker's global scope, as these tests use it (public/sw.js). */
interface WorkerScope {
  registration: ServiceWorkerRegistration;
  onNotificationClick(notification: Notification, action: string): Promise<void>;
}

interface ShownNotification {
  title: string;
  body: string;
  tag: string;
  icon: string;
  actions: string[];
}

const shownBy = (worker: Worker) =>
  worker.evaluate(async () =>
    (await (self as unknown as WorkerScope).registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, icon: n.icon, actions: ((n as unknown as { actions: { action: string }[] }).actions ?? []).map((a) => a.action) })),
  ) as Promise<ShownNotification[]>;

for (const mode of ["embedded", "redis", "upstash"] as const) {
  test.describe(`${mode} mode`, () => {
    const vapid = webpush.generateVAPIDKeys();
    let push: TestPushService;
    let smtp: TestSmtpServer;
    let redis: RedisServer | null = null;
    let upstash: UpstashLocal | null = null;
    let qstash: LocalQstash | null = null;
    let server: NextServer;
    let admin: string;
    let alice: string;

    test.beforeAll(async () => {
      [push, smtp] = await Promise.all([startPushService(), startSmtpServer()]);
      if (mode !== "embedded") redis = await startRedis();
      if (mode === "upstash") [upstash, qstash] = await Promise.all([startUpstashLocal({ redisUrl: redis!.url, port: 0 }), startLocalQstash()]);
      const storeEnv: Record<string, string> =
        mode === "redis"
          ? { REDIS_URL: redis!.url }
          : mode === "upstash"
            ? {
                UPSTASH_REDIS_REST_URL: upstash!.url,
                UPSTASH_REDIS_REST_TOKEN: upstash!.token,
                QSTASH_URL: qstash!.url,
                QSTASH_TOKEN: qstash!.token,
                QSTASH_CURRENT_SIGNING_KEY: qstash!.currentSigningKey,
                QSTASH_NEXT_SIGNING_KEY: qstash!.nextSigningKey,
              }
            : {};
      server = await startNextServer({
        ...storeEnv,
        VAPID_PUBLIC_KEY: vapid.publicKey,
        VAPID_PRIVATE_KEY: vapid.privateKey,
        VAPID_SUBJECT: "mailto:alerts@example.com",
        PUSH_SERVICE_ORIGINS: push.origin,
        SMTP_URL: smtp.url,
        EMAIL_FROM: "Alerts <alerts@example.com>",
        ADMIN_EMAILS: ADMIN,
        // SMTP turns email sign-in links on too, which need to know who may sign in.
        ALLOWED_EMAILS: `${ALICE},${BOB}`,
        ESCALATION_POLL_S: "1",
      });
      [admin, alice] = await Promise.all([signInCookie(server.url, ADMIN), signInCookie(server.url, ALICE)]);
    });
    test.afterAll(async () => {
      await server?.stop();
      await Promise.allSettled([push?.stop(), smtp?.stop(), upstash?.close(), qstash?.stop()]);
      await redis?.destroy();
    });

    test("an alert reaches Alice's closed browser; acknowledged from the notification it stops escalating, left alone it emails her, then the admins", async ({ browser }) => {
      const local = await push.subscribe(vapid.publicKey);
      const context = await browser.newContext({ permissions: ["notifications"] });
      await addCookieHeader(context, server.url, alice);
      await useLocalPushService(context, local);

      // "Notify this device" in /settings: permission, the service worker, the subscription sent to the server.
      const settings = await context.newPage();
      await settings.goto(`${server.url}/settings`);
      await settings.getByRole("button", { name: "Notify this device" }).click();
      await expect(settings.getByTestId("push-devices")).toHaveText("1 device of yours notified.");
      await expect(settings.getByRole("button", { name: "Stop notifying this device" })).toBeVisible();
      expect(await settings.evaluate(() => localStorage.getItem("test-push-subscribed"))).toBe(vapid.publicKey);
      const worker = await serviceWorkerOf(context);
      // No tab of the dashboard is open: DevTools talks to the browser through a blank page of another origin.
      await settings.close();
      const blank = await context.newPage();
      const cdp = await context.newCDPSession(blank);
      const registration = await registrationId(cdp, `${server.url}/`);

      const send = async (title: string, escalateAfter: string) => {
        const res = await postAs(server.url, "/api/notifications", admin, { title, body: `${title}: the details`, severity: "critical", audience: { kind: "user", userId: ALICE }, escalateAfter });
        expect(res.status).toBe(201);
        return (await res.json()) as AppNotification;
      };
      // The one acknowledged from the notification escalates later: a busy machine has 30 s to get it there first.
      const handled = await send("Disk full", "30s");
      const ignored = await send("Database down", "10s");

      // The push service decrypted what the server sent: the alerts, in order, each with Acknowledge.
      const payloads = [await push.nth(local.clientHash, 1), await push.nth(local.clientHash, 2)];
      expect(payloads.map((p) => JSON.parse(p))).toEqual([
        expect.objectContaining({ id: handled.id, title: "Disk full", severity: "critical", acknowledgeable: true }),
        expect.objectContaining({ id: ignored.id, title: "Database down", severity: "critical", acknowledgeable: true }),
      ]);
      for (const data of payloads) await cdp.send("ServiceWorker.deliverPushMessage", { origin: server.url, registrationId: registration, data });
      await expect.poll(async () => (await shownBy(await serviceWorkerOf(context))).map((n) => n.title).sort()).toEqual(["Critical: Database down", "Critical: Disk full"]);
      const shown = await shownBy(await serviceWorkerOf(context));
      expect(shown.every((n) => n.actions.join() === "open,acknowledge" && n.icon.endsWith("/icon-192.png"))).toBe(true);
      expect(worker).toBeTruthy();

      // Acknowledge, as the notification's button does (DevTools cannot click a system notification).
      await (await serviceWorkerOf(context)).evaluate(async (id) => {
        const scope = self as unknown as WorkerScope;
        const notification = (await scope.registration.getNotifications()).find((n) => (n.data as { id: string }).id === id)!;
        notification.close();
        await scope.onNotificationClick(notification, "acknowledge");
      }, handled.id);
      await expect.poll(async () => (await shownBy(await serviceWorkerOf(context))).map((n) => n.title).sort()).toEqual(["Critical: Database down", "You are on it: Disk full"]);

      const detail = async (id: string) => (await (await fetch(`${server.url}/api/admin/alerts/${id}`, { headers: { cookie: admin } })).json()) as AlertDetail;
      expect((await detail(handled.id)).acknowledgement).toEqual(expect.objectContaining({ name: "Alice" }));

      // Left alone: after 10 s an email to Alice, and a second push saying why.
      const mail = await smtp.nextTo(ALICE);
      expect(mail.subject).toBe("[CRITICAL] Database down — nobody has acknowledged it");
      expect(mail.text).toContain("Database down: the details");
      expect(JSON.parse(await push.nth(local.clientHash, 3))).toEqual(expect.objectContaining({ id: ignored.id, reason: "Nobody has acknowledged this alert yet." }));
      // Then the admins, another 10 s on.
      const toAdmin = await smtp.nextTo(ADMIN);
      expect(toAdmin.subject).toBe("[CRITICAL] Database down — nobody has acknowledged it");
      await expect.poll(async () => (await detail(ignored.id)).escalation.map((e) => e.kind)).toEqual(["planned", "renotified", "escalated"]);
      expect((await detail(ignored.id)).escalation[1]!.text).toBe("Nobody acknowledged: sent again to its recipients. Push: Alice. Email: Alice.");
      // Acknowledged: its step came due and sent nothing.
      await expect.poll(async () => (await detail(handled.id)).escalation.map((e) => e.kind), { timeout: 60_000 }).toEqual(["planned", "stopped", "stopped"]);
      expect((await detail(handled.id)).escalation.at(-1)!.text).toBe("Step 1 came due: Alice is on it, nothing was sent.");
      expect(smtp.received.filter((m) => m.subject?.includes("Disk full"))).toEqual([]);
      if (mode === "upstash") await expect.poll(() => qstash!.deliveries.filter((d) => d.status === 200).length).toBeGreaterThanOrEqual(3);

      // A device with a dashboard tab in view is not notified twice: the tab showed it; an escalation comes all the same.
      const dashboard = await context.newPage();
      await dashboard.goto(server.url);
      await expect(dashboard.getByTestId("connection-status")).toHaveText("Live");
      const before = (await shownBy(await serviceWorkerOf(context))).length;
      const shownNow = (message: object) => serviceWorkerOf(context).then((w) => w.evaluate(async (m) => {
        const scope = self as unknown as WorkerScope & { showPush(message: object): Promise<void> };
        await scope.showPush(m);
        return (await scope.registration.getNotifications()).length;
      }, message));
      const inView = { id: "9-0", title: "Seen in the tab", body: "", severity: "critical", url: "/", tag: "9-0", acknowledgeable: true };
      expect(await shownNow(inView)).toBe(before);
      expect(await shownNow({ ...inView, reason: "Nobody has acknowledged this alert yet." })).toBe(before + 1);
      await context.close();
    });

    if (mode === "embedded") {
      test("Acknowledge on a card or a toast reaches everyone the alert reaches, live, at desktop and phone widths; the API refuses what needs nobody", async ({ browser }) => {
        const bob = await signInCookie(server.url, BOB);
        const [a, b] = await Promise.all([
          liveDashboardAs(browser, server.url, alice, { width: 1280, height: 800 }),
          liveDashboardAs(browser, server.url, bob, { width: 390, height: 844 }),
        ]);
        const sent = async (title: string, severity = "critical") => {
          const res = await postAs(server.url, "/api/notifications", admin, { title, severity, audience: { kind: "all" } });
          expect(res.status).toBe(201);
          return (await res.json()) as AppNotification;
        };
        const first = await sent("Payments failing");
        await cardOf(a.page, first.id).getByTestId("acknowledge").click();
        await expect(cardOf(a.page, first.id).getByTestId("acknowledged-by")).toContainText("Acknowledged by Alice ·");
        await expect(cardOf(b.page, first.id).getByTestId("acknowledged-by")).toContainText("Acknowledged by Alice ·");
        await expect(cardOf(b.page, first.id).getByTestId("acknowledge")).toHaveCount(0);

        // Bob, on his phone, from the toast: a critical one waits for him, and goes once he is on it.
        const second = await sent("Checkout slow");
        await b.page.getByTestId("toast-acknowledge").click();
        await expect(b.page.getByTestId("toast")).toHaveCount(0);
        await expect(cardOf(a.page, second.id).getByTestId("acknowledged-by")).toContainText("Acknowledged by Bob ·");
        await a.page.screenshot({ path: test.info().outputPath("acknowledged-desktop.png") });
        await b.page.screenshot({ path: test.info().outputPath("acknowledged-phone.png") });

        // A reload reads who is on it from the page.
        await a.page.reload();
        await expect(cardOf(a.page, first.id).getByTestId("acknowledged-by")).toContainText("Acknowledged by Alice ·");

        // Acknowledged again: the first one stands, whoever asks.
        const again = await postAs(server.url, `/api/alerts/${first.id}/acknowledge`, bob, {});
        expect(again.status).toBe(200);
        expect(await again.json()).toEqual({ acknowledgement: expect.objectContaining({ name: "Alice" }), first: false });
        const info = await sent("Deploy finished", "info");
        // Resolved (a newer alert with its key says so): nobody needs to be on it.
        const key = { audience: { kind: "all" }, severity: "critical", collapseKey: "db-primary" };
        const fired = (await (await postAs(server.url, "/api/notifications", admin, { ...key, title: "DB primary down", status: "firing" })).json()) as AppNotification;
        expect((await postAs(server.url, "/api/notifications", admin, { ...key, title: "DB primary down", status: "resolved" })).status).toBe(201);
        // Escalations reach only this deployment's people.
        const outsider = await postAs(server.url, "/api/notifications", admin, { title: "x", severity: "critical", audience: { kind: "all" }, escalateAfter: "1m", escalateTo: ["someone@elsewhere.example"] });
        expect(outsider.status).toBe(400);
        expect(await outsider.json()).toEqual({ error: "escalateTo names addresses that may not sign in here: someone@elsewhere.example. Escalations reach only this deployment's people.", field: "escalateTo" });
        const direct = await postAs(server.url, "/api/notifications", admin, { title: "For Alice", severity: "critical", audience: { kind: "user", userId: ALICE } });
        const forAlice = (await direct.json()) as AppNotification;
        for (const [path, status, error] of [
          [`/api/alerts/${info.id}/acknowledge`, 409, "Only a firing error or critical alert is acknowledged"],
          [`/api/alerts/${fired.id}/acknowledge`, 409, "Nobody needs to be on this alert any more: the alert was resolved."],
          [`/api/alerts/${forAlice.id}/acknowledge`, 404, "not addressed to you"],
          ["/api/alerts/99999-0/acknowledge", 404, "not addressed to you"],
          ["/api/alerts/nope/acknowledge", 400, "Not a notification id."],
        ] as const) {
          const res = await postAs(server.url, path, bob, {});
          expect(res.status, path).toBe(status);
          expect(((await res.json()) as { error: string }).error).toContain(error);
        }
        await Promise.all([a.context.close(), b.context.close()]);
      });

      test("a browser left subscribed by someone whose session ended is dropped by the next person's page, and is theirs once they ask", async ({ browser }) => {
        const local = await push.subscribe(vapid.publicKey);
        const context = await browser.newContext({ permissions: ["notifications"] });
        await useLocalPushService(context, local);
        const subscribed = (page: import("@playwright/test").Page) => page.evaluate(() => localStorage.getItem("test-push-subscribed") !== null);
        try {
          await addCookieHeader(context, server.url, alice);
          const settings = await context.newPage();
          await settings.goto(`${server.url}/settings`);
          await settings.getByRole("button", { name: "Notify this device" }).click();
          await expect(settings.getByRole("button", { name: "Stop notifying this device" })).toBeVisible();
          // A page of Alice's own keeps it.
          await settings.reload();
          await expect(settings.getByRole("button", { name: "Stop notifying this device" })).toBeVisible();
          expect(await subscribed(settings)).toBe(true);

          // Her session ends here without a sign-out; Bob signs in on this browser.
          await context.clearCookies();
          const bob = await signInCookie(server.url, BOB);
          await addCookieHeader(context, server.url, bob);
          await settings.goto(`${server.url}/settings`);
          await expect(settings.getByTestId("push-devices")).toHaveText("No device of yours is notified.");
          await expect(settings.getByRole("button", { name: "Notify this device" })).toBeVisible();
          await expect.poll(() => subscribed(settings)).toBe(false);

          // Bob asks: the browser is his.
          await settings.getByRole("button", { name: "Notify this device" }).click();
          await expect(settings.getByTestId("push-devices")).toHaveText("1 device of yours notified.");
          await expect(settings.getByRole("button", { name: "Stop notifying this device" })).toBeVisible();
          await settings.reload();
          await expect(settings.getByRole("button", { name: "Stop notifying this device" })).toBeVisible();
          expect(await subscribed(settings)).toBe(true);
          const alices = (await (await fetch(`${server.url}/api/push`, { headers: { cookie: alice } })).json()) as PushSettings;
          expect(alices.endpoints).not.toContain(local.subscription.endpoint);
        } finally {
          await context.close();
        }
      });

      test("Alertmanager's firing critical alerts escalate as ?escalate= says; a delay shorter than 10 s is refused", async () => {
        const made = await postAs(server.url, "/api/tokens", admin, { name: "alertmanager", scope: "hooks" });
        expect(made.status).toBe(201);
        const { token } = (await made.json()) as { token: string };
        const payload = readFileSync(path.join(__dirname, "../lib/integrations/fixtures/alertmanager-v4.json"), "utf8");
        const hook = (query: string) =>
          fetch(`${server.url}/api/hooks/alertmanager${query}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: payload });
        const refused = await hook("?escalate=5s");
        expect(refused.status).toBe(400);
        expect(((await refused.json()) as { error: string }).error).toBe("Escalate after 10 s at the soonest: nobody can acknowledge faster.");
        expect((await hook("?escalate=5m")).status).toBe(202);
        const { items } = (await (await fetch(`${server.url}/api/admin/alerts`, { headers: { cookie: admin } })).json()) as AlertPage;
        const probe = items.find((n) => n.title.includes("Probe failing"))!;
        const detail = (await (await fetch(`${server.url}/api/admin/alerts/${probe.id}`, { headers: { cookie: admin } })).json()) as AlertDetail;
        expect(detail.escalation.map((e) => e.text)).toEqual(["Unacknowledged after 5 min, it goes to its recipients again; 5 min later, to the admins."]);
      });
    }

    if (mode === "redis") {
      // An acknowledgement is told live, over the bus; a stream that resumes by id gets only the log's notifications.
      test("an acknowledgement made while Bob's instance was down shows on his card once his dashboard is back", async ({ browser }) => {
        let other = await startNextServer({ REDIS_URL: redis!.url });
        const bob = await signInCookie(other.url, BOB);
        const b = await liveDashboardAs(browser, other.url, bob, { width: 390, height: 844 });
        try {
          const res = await postAs(server.url, "/api/notifications", admin, { title: "Queue backing up", severity: "critical", audience: { kind: "all" } });
          expect(res.status).toBe(201);
          const alert = (await res.json()) as AppNotification;
          await expect(cardOf(b.page, alert.id).getByTestId("acknowledge")).toBeVisible();
          const port = other.port;
          await other.stop();
          await expect(b.page.getByTestId("connection-status")).not.toHaveText("Live");
          expect((await postAs(server.url, `/api/alerts/${alert.id}/acknowledge`, alice, {})).status).toBe(200);
          other = await startNextServer({ REDIS_URL: redis!.url }, { port });
          await expect(b.page.getByTestId("connection-status")).toHaveText("Live");
          await expect(cardOf(b.page, alert.id).getByTestId("acknowledged-by")).toContainText("Acknowledged by Alice ·");
          await expect(cardOf(b.page, alert.id).getByTestId("acknowledge")).toHaveCount(0);
        } finally {
          await b.context.close();
          await other.stop();
        }
      });

      // Last of this mode: it kills `server`.
      test("a step planned by an instance that stopped runs on another: no step is lost", async () => {
        const other = await startNextServer({ REDIS_URL: redis!.url, SMTP_URL: smtp.url, EMAIL_FROM: "Alerts <alerts@example.com>", ALLOWED_EMAILS: ALICE, ESCALATION_POLL_S: "1" });
        try {
          // The other instance serves a readiness probe: from then on it polls the due-time set.
          expect((await fetch(`${other.url}/api/health/ready`)).status).toBe(200);
          const res = await postAs(server.url, "/api/notifications", admin, { title: "Orphaned escalation", severity: "error", audience: { kind: "user", userId: ALICE }, escalateAfter: "10s" });
          expect(res.status).toBe(201);
          server.process.kill("SIGKILL");
          const mail = await smtp.nextTo(ALICE);
          expect(mail.subject).toBe("[ERROR] Orphaned escalation — nobody has acknowledged it");
        } finally {
          await other.stop();
        }
      });
    }

    if (mode === "upstash") {
      test("the QStash callback runs nothing unless QStash signed it", async () => {
        const body = JSON.stringify({ dueAt: Date.now() });
        const call = (headers: Record<string, string>) => fetch(`${server.url}/api/escalations/due`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
        expect((await call({})).status).toBe(401);
        expect((await call({ "upstash-signature": qstashSignature("not-the-key", `${server.url}/api/escalations/due`, body) })).status).toBe(401);
        expect((await call({ "upstash-signature": qstashSignature(qstash!.currentSigningKey, `${server.url}/api/escalations/due`, "another body") })).status).toBe(401);
        const signed = await call({ "upstash-signature": qstashSignature(qstash!.currentSigningKey, `${server.url}/api/escalations/due`, body) });
        expect(signed.status).toBe(200);
        expect(await signed.json()).toEqual({ ran: 0 });
      });
    }
  });
}
