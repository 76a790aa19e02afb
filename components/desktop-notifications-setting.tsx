"use client";
// /settings: desktop notifications for when no tab of the app is in view.
// Permission is asked only from this click, as browsers require; the choice
// is saved with the person's preferences (lib/client/desktop-notifications.ts).
import { useEffect, useState, useSyncExternalStore } from "react";
import { apiFetch } from "@/lib/client/api-client";
import { askDesktopPermission, desktopNotificationsAllowed, desktopNotificationsSupported, NOTIFICATIONS_BLOCKED } from "@/lib/client/desktop-notifications";
import type { Preferences } from "@/lib/shared/types";

// The browser says nothing when its permission changes: it is read again at each render.
const noSubscription = () => () => {};

export function DesktopNotificationsSetting() {
  const [chosen, setChosen] = useState<boolean | null>(null);
  const supported = useSyncExternalStore(noSubscription, desktopNotificationsSupported, () => true);
  const allowed = useSyncExternalStore(noSubscription, desktopNotificationsAllowed, () => false);
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    apiFetch<Preferences>("/api/preferences").then(
      (preferences) => setChosen(preferences.desktopNotifications),
      (e: Error) => setNote(e.message),
    );
  }, []);

  const on = chosen === true && allowed;

  async function save(desktopNotifications: boolean) {
    try {
      setChosen((await apiFetch<Preferences>("/api/preferences", { method: "PUT", body: { desktopNotifications } })).desktopNotifications);
      setNote(null);
    } catch (e) {
      setNote((e as Error).message);
    }
  }

  async function toggle() {
    if (on) return save(false);
    const permission = await askDesktopPermission();
    if (permission === "granted") return save(true);
    setNote(NOTIFICATIONS_BLOCKED);
  }

  return (
    <section aria-labelledby="desktop-heading" className="rounded-xl bg-white p-4 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <h2 id="desktop-heading" className="mb-1 font-semibold">
        Desktop notifications
      </h2>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-300">When no tab of this app is in view, new notifications show on your desktop, once per browser, on each of your browsers that allows them.</p>
      {supported ? (
        <button
          type="button"
          data-testid="desktop-notifications-toggle"
          aria-pressed={on}
          disabled={chosen === null}
          onClick={() => void toggle()}
          className="rounded-lg bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-slate-300"
        >
          {on ? "Turn off" : "Turn on"}
        </button>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">This browser has no desktop notifications.</p>
      )}
      {note && <p role="alert" className="mt-2 text-sm text-rose-700 dark:text-rose-300">{note}</p>}
    </section>
  );
}
