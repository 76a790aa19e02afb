// The service worker of "Notify this device" (components/push-device-setting.tsx):
// it shows each Web Push message as a notification, with Open and, for a
// firing error or critical alert, Acknowledge, and acts on their clicks.
// What a message holds: lib/push/message.ts.

const ICON = "/icon-192.png";
const SEVERITY_LABELS = { info: "Info", success: "Success", warning: "Warning", error: "Error", critical: "Critical" };

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  event.waitUntil(showPush(readMessage(event.data)));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(onNotificationClick(event.notification, event.action));
});

function readMessage(data) {
  try {
    const message = data ? data.json() : null;
    return message && typeof message.id === "string" && typeof message.title === "string" ? message : null;
  } catch {
    return null;
  }
}

async function showPush(message) {
  if (!message) return;
  // A dashboard tab in view shows the alert already (its toast), and the notification it replaces (its tag) goes;
  // an escalation comes anyway, as nobody acted on that.
  if (!message.reason && (await dashboardInView())) {
    for (const replaced of await self.registration.getNotifications({ tag: message.tag })) replaced.close();
    return;
  }
  const actions = [{ action: "open", title: "Open" }];
  if (message.acknowledgeable) actions.push({ action: "acknowledge", title: "Acknowledge" });
  await self.registration.showNotification(`${SEVERITY_LABELS[message.severity] || "Alert"}: ${message.title}`, {
    body: message.reason ? `${message.body}\n${message.reason}`.trim() : message.body,
    icon: ICON,
    badge: ICON,
    tag: message.tag,
    renotify: true,
    requireInteraction: message.severity === "critical",
    data: { id: message.id, url: message.url, title: message.title, tag: message.tag },
    actions,
  });
}

/** The dashboard (not /settings or /admin, which show no toasts) in view. */
async function dashboardInView() {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  return windows.some((w) => w.visibilityState === "visible" && new URL(w.url).pathname === "/");
}

/** Acknowledge: "I'm on it", as the signed-in person; the notification then says who is on it. Else: the alert's link. */
async function onNotificationClick(notification, action) {
  const data = notification.data || {};
  if (action === "acknowledge" && data.id) {
    const answer = await fetch(`/api/alerts/${encodeURIComponent(data.id)}/acknowledge`, { method: "POST", credentials: "same-origin" });
    if (answer.ok) {
      const { acknowledgement, first } = await answer.json();
      await self.registration.showNotification(first ? `You are on it: ${data.title}` : `${acknowledgement.name} is on it: ${data.title}`, {
        icon: ICON,
        badge: ICON,
        tag: data.tag,
        silent: true,
        data: { url: "/" },
      });
      return;
    }
    // Signed out, or the alert is no longer firing: the dashboard says so.
    return openPage("/");
  }
  return openPage(data.url || "/");
}

async function openPage(url) {
  const target = new URL(url, self.location.origin);
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.find((w) => w.url === target.href);
  if (open) return open.focus();
  return self.clients.openWindow(target.href);
}
