// Desktop notifications (the browser's Notification API) for when no tab of
// the app is in view. Off until the person turns them on in /settings, which
// asks the browser's permission from that click. Tagged with the notification
// id, so tabs that show the same one make one desktop notification. The
// setting is the person's, not the browser's: someone else signing in on the
// same browser starts with them off.
import type { Notification as AppNotification } from "../shared/types";

const PREFERENCE_KEY = (userId: string) => `ntf:desktop-notifications:${userId}`;
const listeners = new Set<() => void>();

/** For useSyncExternalStore: the preference changed here or in another tab. */
export function subscribeDesktopPreference(onChange: () => void): () => void {
  listeners.add(onChange);
  window.addEventListener("storage", onChange);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener("storage", onChange);
  };
}

function changed() {
  for (const listener of listeners) listener();
}

export function desktopNotificationsSupported(): boolean {
  return typeof window !== "undefined" && "Notification" in window;
}

export function desktopNotificationsOn(userId: string): boolean {
  return desktopNotificationsSupported() && window.Notification.permission === "granted" && localStorage.getItem(PREFERENCE_KEY(userId)) === "on";
}

/** Call from a click: browsers ask for permission only in answer to one. */
export async function turnDesktopNotificationsOn(userId: string): Promise<NotificationPermission> {
  const permission = await window.Notification.requestPermission();
  if (permission === "granted") localStorage.setItem(PREFERENCE_KEY(userId), "on");
  changed();
  return permission;
}

export function turnDesktopNotificationsOff(userId: string) {
  localStorage.removeItem(PREFERENCE_KEY(userId));
  changed();
}

export function showDesktopNotification(n: AppNotification) {
  // A critical one stays on the desktop until the person acts on it (where the system allows).
  const shown = new window.Notification(n.title, { body: n.body, tag: n.id, icon: "/icon-192.png", requireInteraction: n.severity === "critical" });
  shown.onclick = () => {
    window.focus();
    shown.close();
  };
}
