// "Notify this device": this browser's Web Push subscription, made from a
// click in /settings (permission is asked from that click, as browsers
// require) with the service worker public/sw.js, and sent to the server,
// which keeps it for the signed-in person. Signing out drops it (sign-out.ts):
// the next person on this browser gets none of the last one's alerts.
import { apiFetch } from "./api-client";
import { NOTIFICATIONS_BLOCKED } from "./desktop-notifications";
import type { PushSettings } from "../shared/types";

export function pushSupported(): boolean {
  return typeof window !== "undefined" && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

export async function thisDeviceSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const registration = await navigator.serviceWorker.getRegistration("/");
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/** This browser's subscription was the signed-in person's when this browser last asked the server: "<userId> <endpoint>". */
const KNOWN_OWNER_KEY = "ntf-push-owner";

/**
 * A browser still subscribed for someone who did not sign out here (their
 * session ran out, or their sign-out could not reach the server) would go on
 * showing their alerts to whoever uses it now: the page of whoever signs in
 * next drops the subscription, unless the server has it under them. Asks the
 * server only when this browser does not know it as theirs already.
 */
export async function dropSubscriptionOfAnotherPerson(userId: string): Promise<void> {
  const subscription = await thisDeviceSubscription();
  if (!subscription) return;
  const known = `${userId} ${subscription.endpoint}`;
  if (localStorage.getItem(KNOWN_OWNER_KEY) === known) return;
  const { endpoints } = await apiFetch<PushSettings>("/api/push");
  if (endpoints.includes(subscription.endpoint)) localStorage.setItem(KNOWN_OWNER_KEY, known);
  else await subscription.unsubscribe();
}

/** Call from a click. Throws with a sentence for the person when the browser or its push service says no. */
export async function subscribeThisDevice(publicKey: string): Promise<PushSettings> {
  if ((await window.Notification.requestPermission()) !== "granted") throw new Error(NOTIFICATIONS_BLOCKED);
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  await navigator.serviceWorker.ready;
  let subscription: PushSubscription;
  try {
    subscription = (await registration.pushManager.getSubscription()) ?? (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: publicKey }));
  } catch (error) {
    throw new Error(`This browser's push service did not take the subscription (${(error as Error).message}). Try again later, or from another browser.`);
  }
  // Whose it was is asked again: the server may have moved it from someone this browser knew it as.
  localStorage.removeItem(KNOWN_OWNER_KEY);
  return apiFetch<PushSettings>("/api/push/subscriptions", { method: "POST", body: subscription.toJSON() });
}

/** Stops pushes to this browser: the server forgets it, then the browser drops it. */
export async function unsubscribeThisDevice(): Promise<PushSettings | null> {
  const subscription = await thisDeviceSubscription();
  if (!subscription) return null;
  const settings = await apiFetch<PushSettings>("/api/push/subscriptions", { method: "DELETE", body: { endpoint: subscription.endpoint } });
  await subscription.unsubscribe();
  localStorage.removeItem(KNOWN_OWNER_KEY);
  return settings;
}
