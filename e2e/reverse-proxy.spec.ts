// The repository's reverse-proxy configurations as docs/self-hosting.md tells
// people to use them: Debian's nginx and Caddy, each in front of two
// instances on one Redis. Streams pass unbuffered, browser writes are
// accepted, a client's own X-Forwarded-For is not trusted, 1 MiB webhooks
// pass, and a rolling restart done as the docs say gives no 5xx, publishes
// nothing twice and never leaves the dashboard's Live.
import { readFileSync } from "node:fs";
import path from "node:path";
import { startNextServer, type NextServer } from "../testing/next-server";
import { freePort } from "../testing/ports";
import { startRedis, type RedisServer } from "../testing/redis";
import { startReverseProxy, type ReverseProxy } from "../testing/reverse-proxy";
import { signInAttempt, signInCookie } from "../testing/session";
import { collect, notificationIds } from "../testing/sse-reader";
import { until } from "../testing/until";
import { addCookieHeader, ADMIN, cardsTitled, expect, test } from "./fixtures";

test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

const alertmanager = JSON.parse(readFileSync(path.join(__dirname, "../lib/integrations/fixtures/alertmanager-v4.json"), "utf8"));

/**
 * Caddy's view of an instance, from its active health checker's log since line `from`: up unless its last
 * word on it was a failed check. Until then Caddy sends it nothing, and stopping the other instance would
 * leave none ("no upstreams available", 503).
 */
function caddySeesUpIn(output: string, port: number, from: number) {
  const said = output.split("\n").slice(from).filter((line) => line.includes("health_checker") && line.includes(`127.0.0.1:${port}`));
  return said.length === 0 || said.at(-1)!.includes("host is up");
}

for (const kind of ["nginx", "caddy"] as const) {
  test.describe(`behind ${kind}`, () => {
    let redis: RedisServer;
    let proxy: ReverseProxy;
    const instances: NextServer[] = [];
    let env: Record<string, string>;
    let admin: string;
    let alice: string;

    test.beforeAll(async () => {
      redis = await startRedis();
      const [proxyPort, a, b] = [await freePort(), await freePort(), await freePort()];
      env = {
        REDIS_URL: redis.url,
        NEXTAUTH_URL: `http://127.0.0.1:${proxyPort}`,
        TRUST_PROXY: "1",
        SSE_HEARTBEAT_MS: "500",
        RATE_SIGNIN_ADDRESS_PER_MIN: "8",
        RATE_PUBLISH_PER_MIN: "100000",
        RATE_CONNECT_PER_MIN: "100000",
        RATE_HISTORY_PER_MIN: "100000",
        // As docs/self-hosting.md says for Caddy, which checks health; nginx retries instead.
        ...(kind === "caddy" ? { SHUTDOWN_DRAIN_MS: "2000" } : {}),
      };
      instances.push(await startNextServer(env, { port: a }), await startNextServer(env, { port: b }));
      proxy = await startReverseProxy(kind, [a, b], proxyPort);
      // Two of the address's eight sign-ins a minute; the X-Forwarded-For test spends the rest.
      [admin, alice] = [await signInCookie(proxy.url, ADMIN), await signInCookie(proxy.url, "alice@example.com")];
    });
    test.afterAll(async () => {
      await proxy?.stop();
      for (const instance of instances) await instance.stop();
      await redis?.destroy();
    });

    const publish = (cookie: string, title: string) =>
      fetch(`${proxy.url}/api/notifications`, {
        method: "POST",
        // What a browser sends from the app's page: the public origin.
        headers: { cookie, origin: proxy.url, "content-type": "application/json" },
        body: JSON.stringify({ title, audience: { kind: "all" } }),
      });

    async function historyTitles(cookie: string) {
      const titles: string[] = [];
      for (let cursor = ""; ; ) {
        const res = await fetch(`${proxy.url}/api/notifications?limit=100${cursor ? `&cursor=${cursor}` : ""}`, { headers: { cookie } });
        expect(res.status).toBe(200);
        const page = (await res.json()) as { items: { title: string }[]; nextCursor: string | null };
        titles.push(...page.items.map((item) => item.title));
        if (!page.nextCursor) return titles;
        cursor = encodeURIComponent(page.nextCursor);
      }
    }

    test("streams pass unbuffered with their heartbeats, and writes from the app's pages are accepted", async () => {
      const res = await fetch(`${proxy.url}/api/events`, { headers: { cookie: admin } });
      expect(res.status).toBe(200);
      const stream = collect(res.body!);
      await stream.waitFor((e) => e.some((x) => x.event === "connected"));
      await until(() => stream.comments.length >= 3, 30_000);
      const sent = await publish(admin, `through ${kind}`);
      expect(sent.status, await sent.clone().text()).toBe(201);
      const { id } = await sent.json();
      // Held back by a buffer, it would come only when the buffer filled or the stream ended.
      await stream.waitFor((e) => notificationIds(e).includes(id), 30_000);
      const foreign = await fetch(`${proxy.url}/api/notifications`, {
        method: "POST",
        headers: { cookie: admin, origin: "https://evil.example", "content-type": "application/json" },
        body: JSON.stringify({ title: "forged", audience: { kind: "all" } }),
      });
      expect(foreign.status).toBe(403);
      // A proxy that sends its own Host (a bare proxy_pass): the public origin is NEXTAUTH_URL's, not the Host's.
      const bareHost = await fetch(`${instances[0]!.url}/api/notifications`, {
        method: "POST",
        headers: { cookie: admin, origin: proxy.url, "content-type": "application/json" },
        body: JSON.stringify({ title: "through a proxy that rewrites Host", audience: { kind: "all" } }),
      });
      expect(bareHost.status).toBe(201);
      expect((await foreign.json()).error).toBe(`This request came from https://evil.example, not from this app's origin ${proxy.url} (NEXTAUTH_URL). If people open the app at https://evil.example, set NEXTAUTH_URL to it.`);
    });

    test("a client's own X-Forwarded-For entries are not trusted: the per-address sign-in limit holds", async () => {
      // 20 at once: past the budget of 8 even if a minute's window turns among them (one window then holds 10).
      const attempts = await Promise.all(
        // The `error` the sign-in page would show: "CredentialsSignin" for a wrong password, or the limit's sentence.
        Array.from({ length: 20 }, async (_, i) => (await signInAttempt(proxy.url, `nobody${i}@example.com`, "wrong", { "x-forwarded-for": `198.51.100.${i}` })).error ?? "none"),
      );
      // Each attempt names a new address of its own; trusted, none would ever be limited.
      expect(attempts.filter((error) => /^Too many sign-in attempts/.test(error)).length, attempts.join("\n")).toBeGreaterThan(0);
    });

    test("a webhook of 1 MiB passes", async () => {
      const made = await fetch(`${proxy.url}/api/tokens`, { method: "POST", headers: { cookie: admin, origin: proxy.url, "content-type": "application/json" }, body: JSON.stringify({ name: "alertmanager", scope: "hooks" }) });
      expect(made.status).toBe(201);
      const { token } = (await made.json()) as { token: string };
      const padding = "x".repeat(1024 * 1024 - JSON.stringify(alertmanager).length - 64);
      const body = JSON.stringify({ ...alertmanager, commonAnnotations: { ...alertmanager.commonAnnotations, padding } });
      expect(body.length).toBeGreaterThan(1024 * 1024 - 100);
      const res = await fetch(`${proxy.url}/api/hooks/alertmanager?channel=ops`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
      expect(res.status, await res.clone().text()).toBe(202);
    });

    test("a rolling restart as docs/self-hosting.md says: no 5xx for reads or writes, nothing published twice, and the dashboard never leaves Live", async ({ browser }) => {
      const context = await browser.newContext();
      await addCookieHeader(context, proxy.url, alice);
      const page = await context.newPage();
      await page.goto(`${proxy.url}/`);
      await expect(page.getByTestId("connection-status")).toHaveText("Live");
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { statuses: string[] }).statuses = seen;
        const status = document.querySelector('[data-testid="connection-status"]')!;
        new MutationObserver(() => seen.push(status.textContent ?? "")).observe(status, { childList: true, characterData: true, subtree: true });
      });

      const statuses: number[] = [];
      const published: string[] = [];
      let sending = true;
      const load = (async () => {
        for (let n = 0; sending; n++) {
          statuses.push((await fetch(`${proxy.url}/api/notifications?limit=5`, { headers: { cookie: admin } })).status);
          const title = `rolling ${kind} ${n}`;
          const sent = await publish(admin, title);
          statuses.push(sent.status);
          if (sent.status === 201) published.push(title);
        }
      })();
      // The procedure: restart one instance, wait until it is ready (behind Caddy: until Caddy's own check saw it), then the other.
      const logFrom = proxy.output().split("\n").length;
      for (const index of [0, 1]) {
        const port = instances[index]!.port;
        await instances[index]!.stop();
        instances[index] = await startNextServer(env, { port });
        expect((await fetch(`http://127.0.0.1:${port}/api/health/ready`)).status).toBe(200);
        if (kind === "caddy") await until(() => caddySeesUpIn(proxy.output(), port, logFrom));
      }
      sending = false;
      await load;
      // On failure: what the proxy said of its upstreams meanwhile (Caddy's health checks say "unexpected status code" with no "error" in it).
      const proxySaid = proxy.output().split("\n").slice(logFrom).filter((l) => /error|health_checker|upstream/.test(l));
      expect(statuses.filter((s) => s >= 500), proxySaid.slice(-12).join("\n")).toEqual([]);
      expect(published.length).toBeGreaterThan(0);
      // A POST retried on the other instance was never read by the first: each title is stored once.
      const stored = (await historyTitles(admin)).filter((title) => title.startsWith(`rolling ${kind} `));
      expect(stored.sort()).toEqual([...published].sort());
      const last = "after the restart";
      expect((await publish(admin, last)).status).toBe(201);
      await expect(cardsTitled(page, last)).toHaveCount(1);
      await expect(page.getByTestId("connection-status")).toHaveText("Live");
      expect(await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses.filter((s) => s !== "Live"))).toEqual([]);
      await context.close();
    });
  });
}
