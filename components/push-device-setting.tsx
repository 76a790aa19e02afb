"use client";
// /settings: Web Push to this device, for alerts while no tab of the app is
// open (lib/client/push-device.ts), and which severities push.
import { useEffect, useState, useSyncExternalStore } from "react";
import { apiFetch } from "@/lib/client/api-client";
import { pushSupported, subscribeThisDevice, thisDeviceSubscription, unsubscribeThisDevice } from "@/lib/client/push-device";
import { SEVERITIES, type PushSettings, type Severity } from "@/lib/shared/types";

// Whether the browser has Web Push never changes while the page lives.
const noSubscription = () => () => {};

export function PushDeviceSetting() {
  const [settings, setSettings] = useState<PushSettings | null>(null);
  /** This browser's push endpoint (null: not subscribed; undefined: not known yet). */
  const [browserEndpoint, setBrowserEndpoint] = useState<string | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const supported = useSyncExternalStore(noSubscription, pushSupported, () => true);

  useEffect(() => {
    apiFetch<PushSettings>("/api/push").then(setSettings, (e: Error) => setNote(e.message));
    thisDeviceSubscription().then((s) => setBrowserEndpoint(s?.endpoint ?? null), () => setBrowserEndpoint(null));
  }, []);
  // Notified when the server has this browser under this person: a subscription left by someone else is not theirs.
  const thisDevice = !settings || browserEndpoint === undefined ? null : browserEndpoint !== null && settings.endpoints.includes(browserEndpoint);

  async function act(work: () => Promise<PushSettings | null>) {
    setBusy(true);
    try {
      const next = await work();
      if (next) setSettings(next);
      setNote(null);
    } catch (e) {
      setNote((e as Error).message);
    } finally {
      setBusy(false);
      setBrowserEndpoint((await thisDeviceSubscription().catch(() => null))?.endpoint ?? null);
    }
  }

  const toggleSeverity = (severity: Severity, on: boolean) =>
    act(() => apiFetch<PushSettings>("/api/push", { method: "PUT", body: { severities: SEVERITIES.filter((s) => (s === severity ? on : settings!.severities.includes(s))) } }));

  return (
    <section aria-labelledby="push-heading" className="rounded-xl bg-white p-4 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <h2 id="push-heading" className="mb-1 font-semibold">
        Push to this device
      </h2>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-300">
        Alerts reach this device even with no tab of the app open, with Open and Acknowledge. A device with a tab in view is not notified twice.
      </p>
      {settings?.publicKey === null ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">Web Push is off on this deployment: an admin sets its VAPID keys.</p>
      ) : !supported ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">This browser has no Web Push.</p>
      ) : (
        <>
          <button
            type="button"
            aria-pressed={thisDevice === true}
            disabled={!settings || thisDevice === null || busy}
            onClick={() => void act(() => (thisDevice ? unsubscribeThisDevice() : subscribeThisDevice(settings!.publicKey!)))}
            className="rounded-lg bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-slate-300"
          >
            {thisDevice ? "Stop notifying this device" : "Notify this device"}
          </button>
          {settings && (
            <p data-testid="push-devices" className="mt-2 text-xs text-slate-500 dark:text-slate-400">
              {settings.endpoints.length === 0 ? "No device of yours is notified." : `${settings.endpoints.length} device${settings.endpoints.length === 1 ? "" : "s"} of yours notified.`}
            </p>
          )}
          <fieldset className="mt-3" disabled={!settings || busy}>
            <legend className="text-sm font-medium">Push these severities</legend>
            <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
              {SEVERITIES.map((severity) => (
                <label key={severity} className="flex items-center gap-1.5 text-sm capitalize">
                  <input type="checkbox" checked={settings?.severities.includes(severity) ?? false} onChange={(e) => void toggleSeverity(severity, e.target.checked)} />
                  {severity}
                </label>
              ))}
            </div>
            <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">Your mutes apply too, except to critical alerts.</p>
          </fieldset>
        </>
      )}
      {note && <p role="alert" className="mt-2 text-sm text-rose-700 dark:text-rose-300">{note}</p>}
    </section>
  );
}
