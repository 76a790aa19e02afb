"use client";
// The send-alert form: the same zod schema as the API validates it here, a
// preview shows the card members will see, and the result names the new id.
import { useState } from "react";
import { ApiClientError, apiFetch } from "@/lib/client/api-client";
import { randomId } from "@/lib/client/random-id";
import { fieldErrors, LIMITS, publishSchema } from "@/lib/shared/schemas";
import { SEVERITIES, type Channel, type Notification, type PublishResult, type Severity } from "@/lib/shared/types";
import { NotificationCard } from "./notification-card";

type AudienceKind = "all" | "user" | "channel";

interface Draft {
  title: string;
  body: string;
  severity: Severity;
  audience: AudienceKind;
  userEmail: string;
  channel: string;
  link: string;
  collapseKey: string;
  /** Sent as firing, to be marked resolved later from the alert list. */
  firing: boolean;
  /** A datetime-local value (the admin's own time zone), or "". */
  expiresAt: string;
  /** "5m", "90s", "1h", or "" for the default of its severity. */
  escalateAfter: string;
}

const EMPTY: Draft = {
  title: "",
  body: "",
  severity: "info",
  audience: "all",
  userEmail: "",
  channel: "",
  link: "",
  collapseKey: "",
  firing: false,
  expiresAt: "",
  escalateAfter: "",
};

/** A firing alert needs a collapse key for its resolved notice to replace it: one is made up when none is given. */
const resolvableKey = () => `alert:${randomId().slice(0, 8)}`;

function toRequest(d: Draft, collapseKey = d.collapseKey) {
  const audience =
    d.audience === "user" ? { kind: "user", userId: d.userEmail } : d.audience === "channel" ? { kind: "channel", channel: d.channel } : { kind: "all" };
  return {
    title: d.title,
    body: d.body,
    severity: d.severity,
    audience,
    ...(d.link ? { link: d.link } : {}),
    ...(collapseKey ? { collapseKey } : {}),
    ...(d.firing ? { status: "firing" } : {}),
    ...(d.expiresAt ? { expiresAt: localTimeToIso(d.expiresAt) } : {}),
    ...(d.escalateAfter.trim() ? { escalateAfter: d.escalateAfter.trim() } : {}),
  };
}

/** An invalid date stays as typed, for the schema to name the field. */
function localTimeToIso(value: string) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** `channels`: the catalog to pick from (null while loading). */
export function SendAlertForm({ channels, onSent }: { channels: Channel[] | null; onSent: (result: PublishResult) => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<PublishResult | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  async function send(event: React.FormEvent) {
    event.preventDefault();
    setFailure(null);
    // The last send's confirmation goes with a new attempt: beside a refusal it would read as sent.
    setResult(null);
    const request = toRequest(draft, draft.firing && !draft.collapseKey ? resolvableKey() : draft.collapseKey);
    const parsed = publishSchema.safeParse(request);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    setSending(true);
    try {
      const sent = await apiFetch<PublishResult>("/api/notifications", { method: "POST", body: request });
      setResult(sent);
      setDraft((d) => ({ ...d, title: "", body: "", link: "", expiresAt: "", escalateAfter: "", firing: false }));
      onSent(sent);
    } catch (error) {
      if (error instanceof ApiClientError && error.body.fields) setErrors(error.body.fields);
      setFailure((error as Error).message);
    } finally {
      setSending(false);
    }
  }

  const preview: Notification = {
    id: "preview",
    title: draft.title || "Your title",
    body: draft.body,
    severity: draft.severity,
    ...(draft.link ? { link: safePreviewLink(draft.link) } : {}),
    audience: toRequest(draft).audience as Notification["audience"],
    ...(draft.firing ? { status: "firing" as const } : {}),
    createdAt: new Date().toISOString(),
    sender: { id: "you", name: "You" },
  };
  const input = "w-full rounded-lg border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900";
  const error = (field: string) =>
    errors[field] && (
      <p className="mt-1 text-sm text-rose-700 dark:text-rose-300" role="alert">
        {errors[field]}
      </p>
    );

  return (
    <section aria-labelledby="send-heading" className="space-y-4">
      <h1 id="send-heading" className="text-lg font-semibold">Send an alert</h1>
      <form data-testid="admin-form" onSubmit={send} noValidate className="space-y-4 rounded-xl bg-white p-5 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
        <div>
          <label htmlFor="title" className="mb-1 block text-sm font-medium">Title</label>
          <input id="title" data-testid="admin-title" value={draft.title} maxLength={LIMITS.title} onChange={(e) => set("title", e.target.value)} className={input} />
          {error("title")}
        </div>
        <div>
          <label htmlFor="body" className="mb-1 block text-sm font-medium">Message <span className="font-normal text-slate-600 dark:text-slate-400">(optional)</span></label>
          <textarea id="body" data-testid="admin-body" rows={3} value={draft.body} maxLength={LIMITS.body} onChange={(e) => set("body", e.target.value)} className={input} />
          {error("body")}
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor="severity" className="mb-1 block text-sm font-medium">Severity</label>
            <select id="severity" data-testid="admin-severity" value={draft.severity} onChange={(e) => set("severity", e.target.value as Severity)} className={input}>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>{s}</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="audience" className="mb-1 block text-sm font-medium">Send to</label>
            <select id="audience" data-testid="admin-audience" value={draft.audience} onChange={(e) => set("audience", e.target.value as AudienceKind)} className={input}>
              <option value="all">Everyone</option>
              <option value="user">One user (by email)</option>
              <option value="channel">A channel&apos;s followers</option>
            </select>
          </div>
        </div>
        {draft.audience === "user" && (
          <div>
            <label htmlFor="user-email" className="mb-1 block text-sm font-medium">User email</label>
            <input id="user-email" type="email" data-testid="admin-user-email" value={draft.userEmail} onChange={(e) => set("userEmail", e.target.value)} className={input} />
            {error("audience.userId")}
          </div>
        )}
        {draft.audience === "channel" && (
          <div>
            <label htmlFor="channel" className="mb-1 block text-sm font-medium">Channel</label>
            <select id="channel" data-testid="admin-channel" value={draft.channel} onChange={(e) => set("channel", e.target.value)} className={input}>
              <option value="">{channels === null ? "Loading…" : channels.length ? "Choose a channel" : "No channels yet: create one below"}</option>
              {channels?.map((c) => (
                <option key={c.name} value={c.name}>#{c.name}{c.description ? ` · ${c.description}` : ""}</option>
              ))}
            </select>
            {error("audience.channel")}
          </div>
        )}
        <div>
          <label htmlFor="link" className="mb-1 block text-sm font-medium">Link <span className="font-normal text-slate-600 dark:text-slate-400">(optional: /path or https://…)</span></label>
          <input id="link" data-testid="admin-link" value={draft.link} onChange={(e) => set("link", e.target.value)} className={input} />
          {error("link")}
        </div>
        <div>
          <label htmlFor="collapse-key" className="mb-1 block text-sm font-medium">
            Replaces <span className="font-normal text-slate-600 dark:text-slate-400">(optional key, e.g. deploy:42: a later alert with the same key and audience replaces this one)</span>
          </label>
          <input id="collapse-key" data-testid="admin-collapse-key" value={draft.collapseKey} maxLength={LIMITS.collapseKey} onChange={(e) => set("collapseKey", e.target.value)} className={input} />
          {error("collapseKey")}
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor="expires-at" className="mb-1 block text-sm font-medium">
              Expires <span className="font-normal text-slate-600 dark:text-slate-400">(optional: then it leaves every feed)</span>
            </label>
            <input id="expires-at" type="datetime-local" data-testid="admin-expires-at" value={draft.expiresAt} onChange={(e) => set("expiresAt", e.target.value)} className={input} />
            {error("expiresAt")}
          </div>
          <div>
            <label htmlFor="escalate-after" className="mb-1 block text-sm font-medium">
              Escalate after <span className="font-normal text-slate-600 dark:text-slate-400">(error, critical: e.g. 5m)</span>
            </label>
            <input id="escalate-after" data-testid="admin-escalate-after" value={draft.escalateAfter} placeholder="default of its severity" onChange={(e) => set("escalateAfter", e.target.value)} className={input} />
            {error("escalateAfter")}
          </div>
          <label className="flex items-center gap-2 self-end pb-2 text-sm font-medium">
            <input type="checkbox" data-testid="admin-firing" checked={draft.firing} onChange={(e) => set("firing", e.target.checked)} className="size-4" />
            Firing: mark it resolved later from the list
          </label>
        </div>
        {failure && <p role="alert" className="rounded-lg bg-rose-50 p-3 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-200">{failure}</p>}
        <button type="submit" data-testid="admin-send" disabled={sending} className="rounded-lg bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {sending ? "Sending…" : "Send alert"}
        </button>
        {result && (
          <p data-testid="admin-result" role="status" className="text-sm text-emerald-700 dark:text-emerald-300">
            Sent as {result.id} — {result.connectedRecipients} recipient{result.connectedRecipients === 1 ? "" : "s"} connected now.
          </p>
        )}
      </form>
      <div data-testid="admin-preview">
        <h2 className="mb-2 text-sm font-medium text-slate-600 dark:text-slate-400">Preview</h2>
        <NotificationCard notification={preview} />
      </div>
    </section>
  );
}

/** The preview renders only links the schema would accept; anything else is shown without one. */
function safePreviewLink(link: string): string | undefined {
  return publishSchema.shape.link.safeParse(link).success ? link : undefined;
}
