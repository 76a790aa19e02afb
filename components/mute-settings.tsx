"use client";
// What the person mutes: channels (the broadcast audience as "Everyone") and
// everything below a severity. Muted notifications stay in the history (the
// feed's "Muted" filter) but never count, toast or reach the desktop; critical
// ones are never muted. Saved at once; every tab and device hears it.
import { useEffect, useState } from "react";
import { apiFetch } from "@/lib/client/api-client";
import { EVERYONE, preferencesIn } from "@/lib/shared/preferences";
import { MUTE_BELOW, type Preferences } from "@/lib/shared/types";
import { SEVERITIES, type ChannelsResponse } from "@/lib/shared/types";

/** "info" mutes nothing (nothing is below it), as null does: the menu offers the three that mute. */
const BELOW_CHOICES = MUTE_BELOW.filter((s) => s !== "info");

export function MuteSettings() {
  const [preferences, setPreferences] = useState<Preferences | null>(null);
  const [channels, setChannels] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    apiFetch<Preferences>("/api/preferences").then(setPreferences, (e: Error) => setError(e.message));
    apiFetch<ChannelsResponse>("/api/channels").then((data) => setChannels(data.channels.map((c) => c.name)), (e: Error) => setError(e.message));
  }, []);

  /** Shown at once; put back as it was if the server refuses. */
  async function save(next: Preferences) {
    const before = preferences;
    setPreferences(next);
    try {
      // Only what this section changes: the desktop setting beside it saves its own.
      const { mutedChannels, muteBelow } = next;
      const saved = await apiFetch<Preferences>("/api/preferences", { method: "PUT", body: { mutedChannels, muteBelow } });
      setPreferences(preferencesIn(saved));
      setError(null);
    } catch (e) {
      setPreferences(before);
      setError((e as Error).message);
    }
  }

  const toggle = (name: string, mute: boolean) =>
    preferences &&
    void save({ ...preferences, mutedChannels: mute ? [...preferences.mutedChannels, name] : preferences.mutedChannels.filter((c) => c !== name) });

  return (
    <section aria-labelledby="mutes-heading" className="rounded-xl bg-white p-4 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <h2 id="mutes-heading" className="font-semibold">
        Mutes
      </h2>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Muted alerts are kept under the feed&apos;s Muted filter, but never counted, toasted or sent to the desktop. Critical alerts are never muted.
      </p>
      {error && <p role="alert" className="mb-2 text-sm text-rose-700 dark:text-rose-300">{error}</p>}
      {!preferences ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">Loading…</p>
      ) : (
        <div className="space-y-3">
          <fieldset>
            <legend className="mb-1 text-sm font-medium">Mute these</legend>
            <ul className="space-y-1.5">
              {[EVERYONE, ...channels].map((name) => (
                <li key={name}>
                  <label className="flex cursor-pointer items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      data-testid={`mute-${name}`}
                      checked={preferences.mutedChannels.includes(name)}
                      onChange={(e) => toggle(name, e.target.checked)}
                      className="accent-brand-600"
                    />
                    {name === EVERYONE ? "Everyone (alerts sent to all)" : `#${name}`}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
          <label className="block text-sm">
            <span className="mb-1 block font-medium">Mute severities below</span>
            <select
              data-testid="mute-below"
              value={preferences.muteBelow === "info" ? "" : (preferences.muteBelow ?? "")}
              onChange={(e) => void save({ ...preferences, muteBelow: (e.target.value || null) as Preferences["muteBelow"] })}
              className="w-full rounded-lg border border-slate-300 bg-white px-2 py-1.5 dark:border-slate-700 dark:bg-slate-900"
            >
              <option value="">None</option>
              {BELOW_CHOICES.map((s) => (
                <option key={s} value={s}>
                  {s} (mutes {SEVERITIES.slice(0, SEVERITIES.indexOf(s)).join(", ")})
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
    </section>
  );
}
