"use client";
// /settings: desktop notifications for when no tab of the app is in view.
// Permission is asked only from this click, as browsers require.
import { useState, useSyncExternalStore } from "react";
import {
  desktopNotificationsOn,
  desktopNotificationsSupported,
  subscribeDesktopPreference,
  turnDesktopNotificationsOff,
  turnDesktopNotificationsOn,
} from "@/lib/client/desktop-notifications";

export function DesktopNotificationsSetting({ userId }: { userId: string }) {
  const on = useSyncExternalStore(subscribeDesktopPreference, () => desktopNotificationsOn(userId), () => false);
  const supported = useSyncExternalStore(subscribeDesktopPreference, desktopNotificationsSupported, () => true);
  const [note, setNote] = useState<string | null>(null);

  async function toggle() {
    if (on) {
      turnDesktopNotificationsOff(userId);
      setNote(null);
      return;
    }
    const permission = await turnDesktopNotificationsOn(userId);
    setNote(permission === "granted" ? null : "The browser blocked notifications for this site; allow them in its site settings.");
  }

  return (
    <section aria-labelledby="desktop-heading" className="rounded-xl bg-white p-4 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <h2 id="desktop-heading" className="mb-1 font-semibold">
        Desktop notifications
      </h2>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-300">When no tab of this app is in view, new notifications show on your desktop, once per browser.</p>
      {supported ? (
        <button
          type="button"
          data-testid="desktop-notifications-toggle"
          aria-pressed={on}
          onClick={() => void toggle()}
          className="rounded-lg bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-slate-300"
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
