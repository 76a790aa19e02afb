"use client";
// The channel catalog, for admins: create a channel (name, description,
// whether new people follow it), change that, delete one. A publish to a
// channel not in the catalog is refused, so the admin form picks from it.
import { useState } from "react";
import { apiFetch } from "@/lib/client/api-client";
import { channelName, channelSettingsSchema, fieldErrors } from "@/lib/shared/schemas";
import type { Channel } from "@/lib/shared/types";

const input = "w-full rounded-lg border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900";

/** `channels`: null while loading; `onChanged`: the catalog changed here, read it again. */
export function ChannelCatalog({ channels, onChanged }: { channels: Channel[] | null; onChanged: () => void }) {
  const [draft, setDraft] = useState<Channel>({ name: "", description: "", followedByDefault: false });
  const [failure, setFailure] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);

  async function save(channel: Channel) {
    setFailure(null);
    try {
      const { name, ...settings } = channel;
      await apiFetch(`/api/admin/channels/${encodeURIComponent(name)}`, { method: "PUT", body: settings });
      onChanged();
      return true;
    } catch (error) {
      setFailure((error as Error).message);
      return false;
    }
  }

  async function create(event: React.FormEvent) {
    event.preventDefault();
    const name = channelName.safeParse(draft.name);
    const settings = channelSettingsSchema.safeParse(draft);
    if (!name.success) return setFailure(name.error.issues[0]!.message);
    if (!settings.success) return setFailure(Object.values(fieldErrors(settings.error))[0] ?? "Check the description.");
    if (channels?.some((c) => c.name === draft.name)) return setFailure(`There is already a channel named "${draft.name}".`);
    if (await save(draft)) setDraft({ name: "", description: "", followedByDefault: false });
  }

  async function remove(name: string) {
    setFailure(null);
    try {
      await apiFetch(`/api/admin/channels/${encodeURIComponent(name)}`, { method: "DELETE" });
      setDeleting(null);
      onChanged();
    } catch (error) {
      setFailure((error as Error).message);
    }
  }

  return (
    <section aria-labelledby="catalog-heading" data-testid="channel-catalog" className="space-y-3 rounded-xl bg-white p-5 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <h2 id="catalog-heading" className="font-semibold">Channels</h2>
      {failure && <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">{failure}</p>}
      {!channels ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">Loading…</p>
      ) : (
        <ul className="divide-y divide-slate-200 dark:divide-slate-800">
          {channels.map((channel) => (
            <li key={channel.name} data-testid={`catalog-${channel.name}`} className="flex flex-wrap items-center gap-x-4 gap-y-1 py-2 text-sm">
              <span className="min-w-0 basis-full wrap-anywhere sm:basis-0 sm:flex-1">
                <span className="font-medium">#{channel.name}</span>
                {channel.description && <span className="block text-slate-600 dark:text-slate-400">{channel.description}</span>}
              </span>
              <label className="flex items-center gap-2">
                <input
                  type="checkbox"
                  data-testid={`catalog-default-${channel.name}`}
                  checked={channel.followedByDefault}
                  onChange={(e) => void save({ ...channel, followedByDefault: e.target.checked })}
                  className="accent-brand-600"
                />
                New people follow it
              </label>
              {deleting === channel.name ? (
                <span className="flex items-center gap-2">
                  <span>Delete #{channel.name}? What was sent to it stays in history.</span>
                  <button type="button" data-testid={`catalog-confirm-delete-${channel.name}`} onClick={() => void remove(channel.name)} className="font-medium text-rose-700 hover:underline dark:text-rose-300">Delete</button>
                  <button type="button" onClick={() => setDeleting(null)} className="font-medium hover:underline">Keep</button>
                </span>
              ) : (
                <button type="button" data-testid={`catalog-delete-${channel.name}`} onClick={() => setDeleting(channel.name)} className="font-medium text-rose-700 hover:underline dark:text-rose-300">
                  Delete
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form data-testid="catalog-form" onSubmit={create} noValidate className="grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor="new-channel-name" className="mb-1 block text-sm font-medium">New channel</label>
          <input id="new-channel-name" data-testid="catalog-name" placeholder="payments" value={draft.name} onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value.trim().toLowerCase() }))} className={input} />
        </div>
        <div>
          <label htmlFor="new-channel-description" className="mb-1 block text-sm font-medium">Description <span className="font-normal text-slate-600 dark:text-slate-400">(optional)</span></label>
          <input id="new-channel-description" data-testid="catalog-description" value={draft.description} onChange={(e) => setDraft((d) => ({ ...d, description: e.target.value }))} className={input} />
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" data-testid="catalog-new-default" checked={draft.followedByDefault} onChange={(e) => setDraft((d) => ({ ...d, followedByDefault: e.target.checked }))} className="accent-brand-600" />
          New people follow it
        </label>
        <button type="submit" data-testid="catalog-create" className="justify-self-start rounded-lg bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
          Create channel
        </button>
      </form>
    </section>
  );
}
