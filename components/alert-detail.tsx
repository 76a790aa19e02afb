"use client";
// One alert: its card (with who acknowledged it), its funnel, its escalation, and each recipient's state, paged, polled
// while the page is in view.
import Link from "next/link";
import { useState } from "react";
import { usePolled } from "@/hooks/use-polled";
import type { AlertDetail, EscalationEvent, RecipientState } from "@/lib/shared/types";
import { FunnelBar } from "./funnel-bar";
import { NotificationCard } from "./notification-card";
import { ExactTime } from "./time-label";

const POLL_MS = 2_000;
// "muted": their mutes silenced it as it reached them, on purpose (not a failure to deliver).
const STATES = ["delivered", "muted", "displayed", "read", "opened", "acknowledged"] as const;

export function AlertDetailView({ id }: { id: string }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1)!;
  const { data, error } = usePolled<AlertDetail>(`/api/admin/alerts/${encodeURIComponent(id)}${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`, POLL_MS);

  return (
    <div className="space-y-4">
      <Link href="/admin" className="text-sm font-medium text-brand-600 hover:underline dark:text-brand-300">
        ← All alerts
      </Link>
      <h1 className="text-lg font-semibold">Who saw it</h1>
      {error && <p role="alert" className="rounded-lg bg-rose-50 p-3 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-200">{error}</p>}
      {data && (
        <>
          {/* The card's title is an h3: the page's outline goes h1, h2, h3. */}
          <h2 className="sr-only">The alert</h2>
          <NotificationCard notification={{ ...data.alert, ...(data.acknowledgement ? { acknowledgement: data.acknowledgement } : {}) }} read />
          <FunnelBar funnel={data.alert.funnel} />
          {data.escalation.length > 0 && <EscalationHistory events={data.escalation} />}
          <RecipientsTable recipients={data.recipients} audienceKind={data.alert.audience.kind} />
          <div className="flex justify-between text-sm">
            {cursors.length > 1 && (
              <button type="button" onClick={() => setCursors((c) => c.slice(0, -1))} className="font-medium text-brand-600 hover:underline dark:text-brand-300">
                ← Previous
              </button>
            )}
            {data.nextCursor && (
              <button type="button" onClick={() => setCursors((c) => [...c, data.nextCursor])} className="ml-auto font-medium text-brand-600 hover:underline dark:text-brand-300">
                Next →
              </button>
            )}
          </div>
        </>
      )}
    </div>
  );
}

function RecipientsTable({ recipients, audienceKind }: { recipients: RecipientState[]; audienceKind: string }) {
  if (!recipients.length) {
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {audienceKind === "all" ? "Nobody has acknowledged it yet." : "Not delivered to anyone yet."}
      </p>
    );
  }
  return (
    // Scrolls sideways on a phone: focusable, so a keyboard can scroll it too.
    <div tabIndex={0} role="region" aria-label="Recipients" className="overflow-x-auto rounded-xl ring-1 ring-slate-200 dark:ring-slate-800">
      <table data-testid="recipients" className="w-full bg-white text-sm dark:bg-slate-900">
        <thead className="text-left text-xs text-slate-600 dark:text-slate-400">
          <tr>
            <th className="px-3 py-2 font-medium">Recipient</th>
            {STATES.map((s) => (
              <th key={s} className="px-3 py-2 font-medium capitalize">{s}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {recipients.map((r) => (
            <tr key={r.userId} data-testid="recipient" data-user={r.userId} className="border-t border-slate-100 dark:border-slate-800">
              <td className="px-3 py-2 [overflow-wrap:anywhere]">{r.label ?? r.userId}</td>
              {STATES.map((s) => (
                <td key={s} data-testid={`recipient-${s}`} data-value={String(r[s])} className="px-3 py-2">
                  {r[s] ? "✓" : <span className="text-slate-600 dark:text-slate-400">–</span>}
                  <span className="sr-only">{r[s] ? "yes" : "no"}</span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What the alert's escalation did, oldest first: planned, each step, who acknowledged, each webhook. */
function EscalationHistory({ events }: { events: EscalationEvent[] }) {
  return (
    <section aria-labelledby="escalation-heading" className="rounded-xl bg-white p-4 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <h2 id="escalation-heading" className="mb-2 font-semibold">Escalation</h2>
      <ol data-testid="escalation" className="space-y-1 text-sm">
        {events.map((event, i) => (
          <li key={i} data-kind={event.kind} className="flex gap-2">
            <ExactTime iso={event.at} />
            <span className="text-slate-700 dark:text-slate-300">{event.text}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
