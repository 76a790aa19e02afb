// A local stand-in for Upstash QStash (which cannot be reached from here),
// as much of it as the product uses: POST /v2/publish/<url> with the
// Upstash-Not-Before or Upstash-Delay header keeps the message and, at its
// time, POSTs its body to the URL signed as QStash signs (a JWT, HS256, with
// the current signing key: iss "Upstash", sub the URL, body the SHA-256 of
// the body, base64url), retrying a failed delivery a few times.
import { createHash, createHmac, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { freePort } from "./ports";

export interface QstashDelivery {
  url: string;
  status: number | null;
  at: number;
}

export interface LocalQstash {
  url: string;
  token: string;
  currentSigningKey: string;
  nextSigningKey: string;
  /** Messages taken, and every delivery attempt, in order. */
  published: { url: string; notBefore: number }[];
  deliveries: QstashDelivery[];
  stop(): Promise<void>;
}

const RETRIES = 3;
const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

export function qstashSignature(key: string, url: string, body: string, nowS = Math.floor(Date.now() / 1000)): string {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const claims = { iss: "Upstash", sub: url, exp: nowS + 300, nbf: nowS, iat: nowS, jti: `jwt_${randomUUID()}`, body: base64url(createHash("sha256").update(body).digest()) };
  const payload = base64url(JSON.stringify(claims));
  return `${header}.${payload}.${base64url(createHmac("sha256", key).update(`${header}.${payload}`).digest())}`;
}

export async function startLocalQstash(): Promise<LocalQstash> {
  const token = `qstash-token-${randomUUID()}`;
  const currentSigningKey = `sig_current_${randomUUID()}`;
  const nextSigningKey = `sig_next_${randomUUID()}`;
  const published: LocalQstash["published"] = [];
  const deliveries: QstashDelivery[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const deliver = async (url: string, body: string, contentType: string, attempt = 0) => {
    let status: number | null = null;
    try {
      const answer = await fetch(url, {
        method: "POST",
        headers: { "content-type": contentType, "upstash-signature": qstashSignature(currentSigningKey, url, body), "upstash-retried": String(attempt) },
        body,
      });
      status = answer.status;
      await answer.body?.cancel();
    } catch {}
    deliveries.push({ url, status, at: Date.now() });
    if ((status === null || status >= 300) && attempt < RETRIES) later(() => deliver(url, body, contentType, attempt + 1), 200 * 2 ** attempt);
  };
  const later = (run: () => void, ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, Math.max(0, ms));
    timers.add(timer);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const match = /^\/v2\/publish\/(.+)$/.exec(req.url ?? "");
      if (req.method !== "POST" || !match) return void res.writeHead(404).end();
      if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: "Unauthorized" }));
      const url = decodeURIComponent(match[1]!);
      const notBeforeS = Number(req.headers["upstash-not-before"] ?? 0);
      const delay = /^(\d+)s$/.exec(String(req.headers["upstash-delay"] ?? ""));
      const dueAt = notBeforeS ? notBeforeS * 1000 : Date.now() + (delay ? Number(delay[1]) * 1000 : 0);
      published.push({ url, notBefore: dueAt });
      later(() => void deliver(url, Buffer.concat(chunks).toString("utf8"), String(req.headers["content-type"] ?? "application/json")), dueAt - Date.now());
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ messageId: `msg_${randomUUID()}` }));
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    currentSigningKey,
    nextSigningKey,
    published,
    deliveries,
    async stop() {
      timers.forEach(clearTimeout);
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
