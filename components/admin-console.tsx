"use client";
// The admin page: send-alert form with preview and result, live stats, and
// every recent alert (from the history, whoever sent it) with its funnel,
// polled while the page is in view: fast after something was published (the
// admin's stream says so), slowly while nothing is.
import { EscalationDefaults } from "./escalation-defaults";
import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { useActivityWake } from "@/hooks/use-activity-wake";
import { usePolled } from "@/hooks/use-polled";
import { apiFetch } from "@/lib/client/api-client";
import { collapseScope } from "@/lib/shared/audience";
import type { AlertPage, AlertWithFunnel, Channel, ChannelsResponse } from "@/lib/shared/types";
import { AdminStats } from "./admin-stats";
import { ChannelCatalog } from "./channel-catalog";
import { FunnelBar } from "./funnel-bar";
import { NotificationCard } from "./notification-card";
import { SendAlertForm } from "./send-alert-form";

const POLL_MS = 2_000;

/** `userId`: the admin's, the scope the browser's one stream is shared under. */
export function AdminConsole({ userId }: { userId: string }) {
  const wake = useActivityWake(userId);
  // Pages back through older alerts; null is the newest page.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1)!;
  const { data: page, error } = usePolled<AlertPage>(`/api/admin/alerts${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`, POLL_MS, { wake });
  const [resolveError, setResolveError] = useState<string | null>(null);
  const resolvable = resolvableIn(page?.items ?? []);
  // The catalog the form picks from and the admin changes; read again after each change here.
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const loadChannels = useCallback(() => {
    apiFetch<ChannelsResponse>("/api/channels").then(({ channels }) => setChannels(channels), () => setChannels((c) => c ?? []));
  }, []);
  useEffect(loadChannels, [loadChannels]);

  async function resolve(id: string) {
    setResolveError(null);
    try {
      await apiFetch(`/api/admin/alerts/${encodeURIComponent(id)}/resolve`, { method: "POST", body: {} });
      setCursors([null]);
    } catch (failure) {
      setResolveError((failure as Error).message);
    }
  }

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_26rem]">
      <div className="space-y-6">
        <SendAlertForm channels={channels} onSent={() => setCursors([null])} />
        <ChannelCatalog channels={channels} onChanged={loadChannels} />
        <EscalationDefaults />
      </div>
      <aside className="space-y-4">
        <AdminStats wake={wake} />
        <section aria-labelledby="recent-heading">
          <h2 id="recent-heading" className="mb-2 font-semibold">Recent alerts</h2>
          {(error ?? resolveError) && <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">{error ?? resolveError}</p>}
          {page?.items.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">No alerts sent yet.</p>}
          <ul data-testid="admin-recent" className="space-y-3">
            {page?.items.map((alert) => (
              <li key={alert.id} data-testid="admin-alert" data-id={alert.id} className="space-y-2">
                <NotificationCard notification={alert} read />
                <FunnelBar funnel={alert.funnel} />
                <div className="flex items-center gap-4">
                  <Link href={`/admin/alerts/${alert.id}`} data-testid="admin-alert-details" className="text-xs font-medium text-brand-600 hover:underline dark:text-brand-300">
                    Who saw it →
                  </Link>
                  {resolvable.has(alert.id) && (
                    <button type="button" data-testid="admin-resolve" onClick={() => void resolve(alert.id)} className="text-xs font-medium text-emerald-700 hover:underline dark:text-emerald-300">
                      Mark resolved
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
          <div className="mt-3 flex justify-between text-sm">
            {cursors.length > 1 && (
              <button type="button" onClick={() => setCursors((c) => c.slice(0, -1))} className="font-medium text-brand-600 hover:underline dark:text-brand-300">
                ← Newer
              </button>
            )}
            {page?.nextCursor && (
              <button type="button" onClick={() => setCursors((c) => [...c, page.nextCursor])} className="ml-auto font-medium text-brand-600 hover:underline dark:text-brand-300">
                Older →
              </button>
            )}
          </div>
        </section>
      </aside>
    </div>
  );
}

/** Firing alerts on the page that nothing newer on it replaced (the server checks again). */
function resolvableIn(alerts: AlertWithFunnel[]): Set<string> {
  const replaced = new Set<string>();
  const ids = new Set<string>();
  for (const alert of alerts) {
    const scope = collapseScope(alert);
    if (!scope) continue;
    // Newest first: the first of a scope is its newest.
    if (!replaced.has(scope) && alert.status === "firing") ids.add(alert.id);
    replaced.add(scope);
  }
  return ids;
}
