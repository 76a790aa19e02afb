// Desktop notifications (the browser's Notification API) for when no tab of
// the app is in view. Off until the person turns them on in /settings, which
// asks the browser's permission from that click. The choice is the person's,
// kept with their preferences on the server (Preferences.desktopNotifications
// in lib/shared/types.ts); the browser keeps only its permission, so nothing
// left in it names who used it. Tagged with the notification id, so tabs that
// show the same one make one desktop notification.
import type { Notification as AppNotification } from "../shared/types";

/** What a person reads when the browser refuses this site notifications (desktop ones and pushes alike). */
export const NOTIFICATIONS_BLOCKED = "The browser blocked notifications for this site; allow them in its site settings.";

export function desktopNotificationsSupported(): boolean {
  return typeof window !== "undefined" && "Notification" in window;
}

/** This browser lets the site show them. */
export function desktopNotificationsAllowed(): boolean {
  return desktopNotificationsSupported() && window.Notification.permission === "granted";
}

/** Call from a click: browsers ask for permission only in answer to one. */
export function askDesktopPermission(): Promise<NotificationPermission> {
  return window.Notification.requestPermission();
}

export function showDesktopNotification(n: AppNotification) {
  // A critical one stays on the desktop until the person acts on it (where the system allows).
  const shown = new window.Notification(n.title, { body: n.body, tag: n.id, icon: "/icon-192.png", requireInteraction: n.severity === "critical" });
  shown.onclick = () => {
    window.focus();
    shown.close();
  };
}
