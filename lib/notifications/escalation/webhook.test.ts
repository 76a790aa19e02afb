// The escalation webhook against a real HTTP receiver: signed, retried on
// failures with backoff (the waits are the test's own, so no clock is read),
// and given up on the receiver's final answer.
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "@/testing/ports";
import { setSettings } from "@/testing/server-globals";
import { postEscalationWebhook, WEBHOOK_ATTEMPTS } from "./webhook";

const SECRET = "a-webhook-secret-for-tests";

async function receiver(answers: number[]) {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(answers[received.length - 1] ?? 200).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  setSettings({ ESCALATION_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`, ESCALATION_WEBHOOK_SECRET: SECRET });
  return { received, close: () => new Promise((r) => server.close(r)) };
}

describe("the escalation webhook", () => {
  let close: () => Promise<unknown> = async () => {};
  afterEach(() => close());

  it("signs each attempt, and tries again after 5xx and 429 with growing waits until one is taken", async () => {
    const hook = await receiver([503, 429, 200]);
    close = hook.close;
    const waits: number[] = [];
    const outcome = await postEscalationWebhook({ text: "Escalated critical alert: Disk full ✓" }, async (ms) => void waits.push(ms));
    expect(outcome).toEqual({ delivered: true, attempts: 3, status: 200 });
    expect(hook.received).toHaveLength(3);
    for (const { headers, body } of hook.received) {
      expect(JSON.parse(body)).toEqual({ text: "Escalated critical alert: Disk full ✓" });
      const timestamp = String(headers["x-notifications-timestamp"]);
      expect(headers["x-notifications-signature"]).toBe(`sha256=${createHmac("sha256", SECRET).update(`${timestamp}.${body}`).digest("hex")}`);
    }
    expect(waits).toHaveLength(2);
    expect(waits[1]!).toBeGreaterThan(waits[0]!);
  });

  it("takes a 4xx as the receiver's final answer, and gives up after its attempts when every one fails", async () => {
    let hook = await receiver([404]);
    expect(await postEscalationWebhook({ text: "x" }, async () => {})).toEqual({ delivered: false, attempts: 1, status: 404 });
    await hook.close();
    hook = await receiver(Array(WEBHOOK_ATTEMPTS).fill(500));
    close = hook.close;
    expect(await postEscalationWebhook({ text: "x" }, async () => {})).toEqual({ delivered: false, attempts: WEBHOOK_ATTEMPTS, status: 500 });
  });
});
