"use client";
// Which channels the user follows: channel alerts reach only their followers.
// A box shows the person's click at once, and goes back if the server refuses it.
import { useEffect, useState } from "react";
import { apiFetch } from "@/lib/client/api-client";
import type { ChannelsResponse } from "@/lib/shared/types";

export function ChannelFollows() {
  const [data, setData] = useState<ChannelsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    apiFetch<ChannelsResponse>("/api/channels").then(setData, (e: Error) => setError(e.message));
  }, []);

  async function toggle(name: string, follow: boolean) {
    if (!data) return;
    const before = data;
    const following = follow ? [...data.following, name] : data.following.filter((c) => c !== name);
    setData({ ...data, following });
    try {
      setData(await apiFetch<ChannelsResponse>("/api/channels", { method: "PUT", body: { following } }));
      setError(null);
    } catch (e) {
      setData(before);
      setError((e as Error).message);
    }
  }

  return (
    <section aria-labelledby="channels-heading" className="rounded-xl bg-white p-4 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <h2 id="channels-heading" className="mb-2 font-semibold">
        Channels you follow
      </h2>
      {error && <p role="alert" className="mb-2 text-sm text-rose-700 dark:text-rose-300">{error}</p>}
      {!data ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">Loading…</p>
      ) : (
        <ul className="space-y-1.5">
          {data.channels.map((channel) => (
            <li key={channel.name}>
              <label className="flex cursor-pointer items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  data-testid={`channel-toggle-${channel.name}`}
                  checked={data.following.includes(channel.name)}
                  onChange={(e) => void toggle(channel.name, e.target.checked)}
                  className="mt-0.5 accent-brand-600"
                />
                <span>
                  <span className="font-medium">#{channel.name}</span>
                  {channel.description && <span className="block text-slate-600 dark:text-slate-400">{channel.description}</span>}
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
