// A real Web Push service for the tests, run locally: the `web-push-testing`
// package, which takes subscriptions, checks each push's VAPID signature and
// decrypts its payload (RFC 8291) as a browser's push service hands it on.
// Its package entry starts a CLI, so its server and model are used directly,
// bound to 127.0.0.1 on a free port.
import type { Server } from "node:http";
import { freePort } from "./ports";
import { until } from "./until";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const WebPushTestingServer = require("web-push-testing/src/server.js");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PushApiModel } = require("web-push-testing/src/PushApiModel.js");

export interface LocalSubscription {
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  clientHash: string;
}

export interface TestPushService {
  origin: string;
  /** A browser's subscription with this application server key (a VAPID public key). */
  subscribe(applicationServerKey: string): Promise<LocalSubscription>;
  /** Every payload the subscription received, decrypted, oldest first. */
  messages(clientHash: string): Promise<string[]>;
  /** Waits for the subscription's `count`-th payload and answers it. */
  nth(clientHash: string, count: number, ms?: number): Promise<string>;
  /** From now on the service answers 410 Gone for it, as for a browser that unsubscribed. */
  expire(clientHash: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startPushService(): Promise<TestPushService> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const model = new PushApiModel();
  const service = new WebPushTestingServer(model, port);
  model.notifyUrl = `${origin}/notify/`;
  service.setRequestHandlers();
  const server: Server = await new Promise((resolve) => {
    const listening: Server = service._app.listen(port, "127.0.0.1", () => resolve(listening));
  });
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${origin}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const json = (await res.json().catch(() => ({}))) as { data?: unknown; error?: { message: string } };
    if (!res.ok) throw new Error(`push service ${path}: ${res.status} ${json.error?.message ?? ""}`);
    return json.data;
  };
  const messages = async (clientHash: string) => ((await post("/get-notifications", { clientHash })) as { messages: string[] }).messages;
  return {
    origin,
    async subscribe(applicationServerKey) {
      const data = (await post("/subscribe", { applicationServerKey, userVisibleOnly: "true" })) as { endpoint: string; keys: { p256dh: string; auth: string }; clientHash: string };
      return { subscription: { endpoint: data.endpoint, keys: data.keys }, clientHash: data.clientHash };
    },
    messages,
    async nth(clientHash, count, ms = 30_000) {
      let received: string[] = [];
      await until(async () => (received = await messages(clientHash)).length >= count, ms);
      return received[count - 1]!;
    },
    async expire(clientHash) {
      await fetch(`${origin}/expire-subscription/${clientHash}`, { method: "POST" });
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
