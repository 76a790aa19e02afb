"use client";
// The admin page: send-alert form with preview and result, recent alerts, live stats.
import { useEffect, useState } from "react";
import { apiFetch } from "@/lib/api-client";
import type { NotificationPage } from "@/lib/types";
import { AdminStats } from "./admin-stats";
import { NotificationCard } from "./notification-card";
import { SendAlertForm } from "./send-alert-form";

export function AdminConsole() {
  const [recent, setRecent] = useState<NotificationPage["items"]>([]);
  const [recentError, setRecentError] = useState<string | null>(null);

  // Bumped after each send, to reload the list.
  const [version, setVersion] = useState(0);

  useEffect(() => {
    apiFetch<NotificationPage>("/api/notifications?limit=10").then(
      (page) => (setRecent(page.items), setRecentError(null)),
      (e: Error) => setRecentError(e.message),
    );
  }, [version]);

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <SendAlertForm onSent={() => setVersion((v) => v + 1)} />
      <aside className="space-y-4">
        <AdminStats />
        <section aria-labelledby="recent-heading">
          <h2 id="recent-heading" className="mb-2 font-semibold">Recent alerts</h2>
          {recentError && <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">{recentError}</p>}
          {recent.length === 0 && !recentError && <p className="text-sm text-slate-600 dark:text-slate-400">No alerts sent yet.</p>}
          <ul data-testid="admin-recent" className="space-y-2">
            {recent.map((n) => (
              <li key={n.id}>
                <NotificationCard notification={n} read />
              </li>
            ))}
          </ul>
        </section>
      </aside>
    </div>
  );
}
