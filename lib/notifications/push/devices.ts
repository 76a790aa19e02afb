// A person's devices for Web Push, as /settings manages them: the public
// key a browser subscribes with, their subscriptions, and which severities push.
import "server-only";
import { config } from "../../server/config";
import { ApiError } from "../../server/errors";
import { audit } from "../../server/log";
import type { PushSettings, Severity, SessionUser } from "../../shared/types";
import { getStores } from "../../store";
import { isPushService } from "./endpoints";



const pushOff = () => new ApiError(404, "Web Push is off on this deployment: an admin sets VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT (`npm run vapid`).");

export async function pushSettings(user: SessionUser): Promise<PushSettings> {
  const store = getStores();
  const [severities, subscriptions] = await Promise.all([store.push.severities(user.id), store.push.subscriptions(user.id)]);
  return { publicKey: config().webPush?.publicKey ?? null, severities, endpoints: subscriptions.map((s) => s.endpoint) };
}

export async function subscribeDevice(user: SessionUser, subscription: { endpoint: string; keys: { p256dh: string; auth: string } }): Promise<PushSettings> {
  if (!config().webPush) throw pushOff();
  if (!isPushService(subscription.endpoint, config().pushServiceOrigins)) {
    throw new ApiError(400, "This endpoint is not a browser's push service: the server only sends to those (and to PUSH_SERVICE_ORIGINS).", { field: "endpoint" });
  }
  await getStores().push.subscribe(
    { userId: user.id, email: user.email, name: user.name },
    { endpoint: subscription.endpoint, keys: subscription.keys, createdAt: new Date().toISOString() },
  );
  audit("push-subscribed", { user: user.id, service: new URL(subscription.endpoint).origin });
  return pushSettings(user);
}

export async function unsubscribeDevice(user: SessionUser, endpoint: string): Promise<PushSettings> {
  await getStores().push.unsubscribe(user.id, endpoint);
  return pushSettings(user);
}

export async function choosePushSeverities(user: SessionUser, severities: Severity[]): Promise<PushSettings> {
  await getStores().push.setSeverities(user.id, severities);
  return pushSettings(user);
}
