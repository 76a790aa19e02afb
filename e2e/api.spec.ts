// The HTTP API as scripts and services use it: status codes, error shapes,
// tokens, the stream's headers, cross-site refusal and security headers.
import { request as playwrightRequest } from "@playwright/test";
import fc from "fast-check";
import { collect } from "../testing/sse-reader";
import type { Notification } from "@/lib/shared/types";
import { ADMIN, ALICE, expect, publish, signIn, test } from "./fixtures";

test.describe("signed out", () => {
  for (const [method, path] of [
    ["GET", "/api/events"],
    ["GET", "/api/notifications"],
    ["POST", "/api/notifications"],
    ["POST", "/api/notifications/read"],
    ["GET", "/api/channels"],
    ["GET", "/api/tokens"],
    ["GET", "/api/admin/stats"],
  ] as const) {
    test(`${method} ${path} – 401 with a JSON error`, async ({ request, baseURL }) => {
      const res = await request.fetch(`${baseURL}${path}`, { method, data: method === "POST" ? {} : undefined });
      expect(res.status()).toBe(401);
      expect((await res.json()).error).toMatch(/sign in/i);
    });
  }

  test("GET /api/health – ok in embedded mode", async ({ request, baseURL }) => {
    const res = await request.get(`${baseURL}/api/health`);
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ ok: true, mode: "embedded" });
  });
});

test.describe("as admin", () => {
  test.beforeEach(async ({ request, baseURL }) => signIn(request, baseURL, ADMIN));

  for (const [name, body, field] of [
    ["missing title", { body: "x" }, "title"],
    ["title too long", { audience: { kind: "all" }, title: "x".repeat(121) }, "title"],
    ["bad severity", { audience: { kind: "all" }, title: "t", severity: "panic" }, "severity"],
    ["javascript link", { audience: { kind: "all" }, title: "t", link: "javascript:alert(1)" }, "link"],
    ["unknown audience", { title: "t", audience: { kind: "planet" } }, "audience.kind"],
  ] as const) {
    test(`POST /api/notifications – ${name}`, async ({ request, baseURL }) => {
      const res = await request.post(`${baseURL}/api/notifications`, { data: body, headers: { origin: baseURL } });
      expect(res.status()).toBe(400);
      const json = await res.json();
      expect(json.field).toBe(field);
      expect(typeof json.error).toBe("string");
    });
  }

  test("POST /api/notifications – not JSON", async ({ request, baseURL }) => {
    const res = await request.post(`${baseURL}/api/notifications`, {
      data: Buffer.from("{ not json"),
      headers: { origin: baseURL, "content-type": "application/json" },
    });
    expect(res.status()).toBe(400);
    expect((await res.json()).error).toMatch(/JSON/);
  });

  test("POST /api/notifications – body over the limit is refused with 413", async ({ request, baseURL }) => {
    const res = await request.post(`${baseURL}/api/notifications`, {
      data: { audience: { kind: "all" }, title: "t", body: "x".repeat(40_000) },
      headers: { origin: baseURL },
    });
    expect(res.status()).toBe(413);
  });

  test("POST /api/notifications – stored with increasing ids and the sender", async ({ request, baseURL }) => {
    const a = await publish(request, baseURL, { title: "first", audience: { kind: "user", userId: ALICE } });
    const b = await publish(request, baseURL, { audience: { kind: "all" }, title: "second", severity: "error", link: "/deploys/42" });
    expect(a.audience).toEqual({ kind: "user", userId: expect.stringMatching(/^u_/) });
    expect(a.sender.name).toBe("Admin");
    const [am, as] = a.id.split("-").map(Number);
    const [bm, bs] = b.id.split("-").map(Number);
    expect(bm! > am! || (bm === am && bs! > as!)).toBe(true);
  });

  test("POST /api/notifications – Windows line ends are stored as newlines; other control characters are refused naming the field", async ({ request, baseURL }) => {
    const stored = await publish(request, baseURL, { audience: { kind: "all" }, title: "Disk\r\nalmost full", body: "sda1 at 97%\r\nsdb1 at 91%\rplease act" });
    expect(stored.title).toBe("Disk\nalmost full");
    expect(stored.body).toBe("sda1 at 97%\nsdb1 at 91%\nplease act");
    const history = await (await request.get(`${baseURL}/api/notifications?limit=5`)).json();
    expect(history.items.find((n: Notification) => n.id === stored.id)).toMatchObject({ title: stored.title, body: stored.body });
    const refused = await request.post(`${baseURL}/api/notifications`, { data: { audience: { kind: "all" }, title: "ok", body: "bell\u0007" }, headers: { origin: baseURL } });
    expect(refused.status()).toBe(400);
    expect(await refused.json()).toMatchObject({ field: "body", error: expect.stringMatching(/control characters/) });
  });

  test("POST /api/notifications – cross-site cookie request is refused", async ({ request, baseURL }) => {
    const res = await request.post(`${baseURL}/api/notifications`, {
      data: { audience: { kind: "all" }, title: "csrf" },
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(res.status()).toBe(403);
  });

  test("POST /api/notifications – whatever unicode it accepts is delivered as stored: line ends as \\n, disguising characters dropped", async ({ request, baseURL }) => {
    // The stored form as docs/api.md states it: \r\n and \r become \n; C1 controls and bidi
    // overrides, embeddings and isolates are removed (lib/shared/plain-text.ts says why).
    const asStored = (value: string) => value.replace(/\r\n?/g, "\n").replace(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/g, "");
    const state = await request.storageState();
    const cookie = state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const controller = new AbortController();
    const stream = collect((await fetch(`${baseURL}/api/events`, { headers: { cookie }, signal: controller.signal })).body!);
    await stream.waitFor((e) => e.some((x) => x.event === "connected"));
    const accepted = new Map<string, unknown>();
    let refused = 0;
    const text = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 150 }),
      fc.string({ unit: "binary", maxLength: 150 }),
      fc.array(fc.constantFrom("\n", "\r\n", "\u0000", "data: x", "event: reset", "<script>", "🌍", "\u2028", "\u0085", "\u202e"), { maxLength: 20 }).map((a) => a.join("")),
    );
    await fc.assert(
      fc.asyncProperty(text, text, async (title, body) => {
        const res = await request.post(`${baseURL}/api/notifications`, { data: { audience: { kind: "all" }, title, body }, headers: { origin: baseURL } });
        if (res.status() === 201) {
          const { connectedRecipients, ...stored } = await res.json();
          expect(typeof connectedRecipients).toBe("number");
          expect(stored.title).toBe(asStored(title).trim());
          expect(stored.body).toBe(asStored(body));
          accepted.set(stored.id, stored);
        } else {
          expect(res.status()).toBe(400);
          refused++;
        }
      }),
      { numRuns: 60 },
    );
    await stream.waitFor((e) => [...accepted.keys()].every((id) => e.some((x) => x.id === id)));
    for (const event of stream.events.filter((e) => e.id && accepted.has(e.id))) expect(JSON.parse(event.data)).toEqual(accepted.get(event.id!));
    expect(accepted.size).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(0);
    controller.abort();
  });

  test("GET /api/admin/stats – counts open streams", async ({ request, baseURL }) => {
    const res = await request.get(`${baseURL}/api/admin/stats`);
    expect(res.status()).toBe(200);
    const stats = await res.json();
    expect(stats.connections.instances.length).toBeGreaterThanOrEqual(1);
    expect(typeof stats.published).toBe("number");
  });

  test("API tokens – created once, publish with Bearer, revoked token refused", async ({ request, baseURL }) => {
    const created = await request.post(`${baseURL}/api/tokens`, { data: { name: "ci" }, headers: { origin: baseURL } });
    expect(created.status()).toBe(201);
    const { id, token } = await created.json();
    expect(token).toMatch(/^ntf_/);

    const bearer = await playwrightRequest.newContext();
    try {
      const res = await bearer.post(`${baseURL}/api/notifications`, {
        data: { audience: { kind: "all" }, title: "from CI" },
        headers: { authorization: `Bearer ${token}`, origin: "https://ci.example" },
      });
      expect(res.status()).toBe(201);
      expect((await res.json()).sender.name).toBe("Admin");

      const list = await (await request.get(`${baseURL}/api/tokens`)).json();
      const listed = list.tokens.find((t: { id: string }) => t.id === id);
      expect(listed.lastUsedAt).not.toBeNull();
      expect(JSON.stringify(list)).not.toContain(token);

      expect((await request.delete(`${baseURL}/api/tokens/${id}`, { headers: { origin: baseURL } })).status()).toBe(204);
      const after = await bearer.get(`${baseURL}/api/notifications`, { headers: { authorization: `Bearer ${token}` } });
      expect(after.status()).toBe(401);
    } finally {
      await bearer.dispose();
    }
  });
});

test.describe("as member", () => {
  test.beforeEach(async ({ request, baseURL }) => signIn(request, baseURL, ALICE));

  test("GET /api/events – stream headers, retry and connected event", async ({ request, baseURL }) => {
    const state = await request.storageState();
    const cookie = state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const controller = new AbortController();
    const res = await fetch(`${baseURL}/api/events`, { headers: { cookie, "accept-encoding": "gzip" }, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache, no-transform");
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    expect(res.headers.get("content-encoding")).toBeNull();
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("event: connected")) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text.startsWith("retry: ")).toBe(true);
    expect(text).toMatch(/event: connected\ndata: \{"connectionId":"[^"]+","userId":"u_[0-9a-f]+","instance":"[^"]+","serverTime":"[^"]+","heartbeatMs":\d+,"inboxVersion":\d+\}/);
  });

  test("GET /api/notifications – bad limit is a 400 naming the field", async ({ request, baseURL }) => {
    const res = await request.get(`${baseURL}/api/notifications?limit=100000`);
    expect(res.status()).toBe(400);
    expect((await res.json()).field).toBe("limit");
  });

  test("PUT /api/channels – unknown channel refused, known followed", async ({ request, baseURL }) => {
    const bad = await request.put(`${baseURL}/api/channels`, { data: { following: ["nope"] }, headers: { origin: baseURL } });
    expect(bad.status()).toBe(400);
    const ok = await request.put(`${baseURL}/api/channels`, { data: { following: ["deploys"] }, headers: { origin: baseURL } });
    expect(ok.status()).toBe(200);
    expect((await ok.json()).following).toEqual(["deploys"]);
  });

  test("GET /api/admin/stats – 403 for members", async ({ request, baseURL }) => {
    expect((await request.get(`${baseURL}/api/admin/stats`)).status()).toBe(403);
  });
});

test("the app icon, the apple-touch icon and the web app manifest are served and linked from every page", async ({ page, request, baseURL }) => {
  await page.goto(`${baseURL}/signin`);
  const hrefs = await page.evaluate(() =>
    Object.fromEntries(["icon", "apple-touch-icon", "manifest"].map((rel) => [rel, document.querySelector(`link[rel="${rel}"]`)?.getAttribute("href") ?? null])),
  );
  for (const href of Object.values(hrefs)) expect(href).toBeTruthy();
  const manifest = await (await request.get(new URL(hrefs.manifest!, baseURL).href)).json();
  expect(manifest).toMatchObject({ name: "Live notifications", start_url: "/" });
  for (const path of [hrefs.icon!, hrefs["apple-touch-icon"]!, ...manifest.icons.map((i: { src: string }) => i.src)]) {
    const res = await request.get(new URL(path, baseURL).href);
    expect(res.status(), path).toBe(200);
    expect(res.headers()["content-type"]).toMatch(/^image\/(png|svg\+xml)/);
  }
});

test("pages carry the security headers", async ({ request, baseURL }) => {
  const res = await request.get(`${baseURL}/signin`);
  const headers = res.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).not.toContain("unsafe-eval");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["access-control-allow-origin"]).toBeUndefined();
});

test("POST /api/admin/diagnostics – 404 in production unless DIAGNOSTICS=1", async ({ request, baseURL }) => {
  await signIn(request, baseURL, ADMIN);
  const res = await request.post(`${baseURL}/api/admin/diagnostics`, { data: { action: "end-streams" }, headers: { origin: baseURL } });
  expect(res.status()).toBe(404);
  expect((await res.json()).error).toMatch(/DIAGNOSTICS=1/);
});
