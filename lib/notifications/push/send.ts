// Sends Web Push messages with the `web-push` library: it encrypts the
// payload for the browser (RFC 8291) and signs the request with the VAPID
// keys (RFC 8292). The request itself goes out with fetch, not the
// library's https-only sender, so a push service on plain http (the local
// one the tests run, testing/push-service.ts) is reached the same way.
import "server-only";
import webpush from "web-push";
import { config } from "../../server/config";
import { log } from "../../server/log";
import { getStores } from "../../store";
import type { PushPerson, PushSubscriptionRecord } from "../../store/push/types";
import type { PushMessage } from "./message";

/** How long a push service keeps a message for a device that is offline: an alert older than this is no news. */
const TTL_S = 24 * 3600;
const SEND_TIMEOUT_MS = 10_000;

/** Pushes the message to every device of the person (as PushStore.people() lists them); answers how many took it. */
export async function pushToDevices({ userId, subscriptions }: Pick<PushPerson, "userId" | "subscriptions">, message: PushMessage): Promise<number> {
  if (!config().webPush) return 0;
  const taken = await Promise.all(subscriptions.map((subscription) => pushOne(userId, subscription, message)));
  return taken.filter(Boolean).length;
}

async function pushOne(userId: string, subscription: PushSubscriptionRecord, message: PushMessage): Promise<boolean> {
  const { publicKey, privateKey, subject } = config().webPush!;
  const request = webpush.generateRequestDetails(subscription, JSON.stringify(message), {
    vapidDetails: { subject, publicKey, privateKey },
    TTL: TTL_S,
    // A phone wakes for "high" even to save battery; an info notice can wait for the next wake.
    urgency: message.severity === "critical" || message.severity === "error" ? "high" : "normal",
  });
  try {
    const answer = await fetch(request.endpoint, {
      method: request.method,
      headers: request.headers,
      body: new Uint8Array(request.body),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    if (answer.ok) return true;
    // The browser unsubscribed, or its subscription expired: it will never take a message again.
    if (answer.status === 404 || answer.status === 410) {
      await getStores().push.unsubscribe(userId, subscription.endpoint);
      log().info({ component: "push", user: userId, status: answer.status }, "subscription gone: removed");
    } else {
      log().warn({ component: "push", user: userId, status: answer.status }, `push service refused: ${(await answer.text()).slice(0, 200)}`);
    }
  } catch (error) {
    log().warn({ component: "push", user: userId }, `push failed: ${(error as Error).message}`);
  }
  return false;
}
