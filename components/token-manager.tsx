"use client";
// API tokens: create with a scope (shown once, with a copy button), list with scope and last use, revoke.
import Link from "next/link";
import { useEffect, useState } from "react";
import { apiFetch } from "@/lib/client/api-client";
import type { ApiToken, CreatedApiToken, TokenScope } from "@/lib/shared/types";

/** What each scope lets a token do, as the form offers them (the least first: a tool's token needs no more). */
const SCOPE_LABELS: Record<TokenScope, string> = {
  hooks: "Webhooks only (Alertmanager, Grafana, CI)",
  publish: "Publish and webhooks",
  read: "Read my history and stream",
  admin: "Everything I can do",
};

export function TokenManager({ canPublish }: { canPublish: boolean }) {
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [name, setName] = useState("");
  const scopes: TokenScope[] = canPublish ? ["hooks", "publish", "read", "admin"] : ["read", "admin"];
  const [scope, setScope] = useState<TokenScope>(scopes[0]!);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () => apiFetch<{ tokens: ApiToken[] }>("/api/tokens").then((r) => setTokens(r.tokens), (e: Error) => setError(e.message));
  useEffect(() => {
    void load();
  }, []);

  async function create(event: React.FormEvent) {
    event.preventDefault();
    try {
      setCreated(await apiFetch<CreatedApiToken>("/api/tokens", { method: "POST", body: { name, scope } }));
      setName("");
      setError(null);
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function revoke(id: string) {
    try {
      await apiFetch(`/api/tokens/${encodeURIComponent(id)}`, { method: "DELETE" });
      if (created?.id === id) setCreated(null);
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section aria-labelledby="tokens-heading" className="min-w-0 space-y-4 rounded-xl bg-white p-5 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <div>
        <h1 id="tokens-heading" className="text-lg font-semibold">API tokens</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          For scripts and services: send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts as you, within
          its scope: give a tool no more than it needs{canPublish ? " (Alertmanager, Grafana and CI: webhooks only)." : "."}
        </p>
        {canPublish && (
          <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
            Alerts from Alertmanager, Grafana or GitHub: a token here and their webhook settings,{" "}
            <Link href="/settings/integrations" data-testid="integrations-link" className="font-medium text-brand-600 hover:underline dark:text-brand-300">
              step by step →
            </Link>
          </p>
        )}
      </div>
      <form onSubmit={create} className="flex flex-wrap gap-2">
        <label htmlFor="token-name" className="sr-only">Token name</label>
        <input id="token-name" data-testid="token-name" required placeholder="e.g. deploy pipeline" value={name} onChange={(e) => setName(e.target.value)} className="min-w-0 flex-1 basis-40 rounded-lg border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900" />
        <label htmlFor="token-scope" className="sr-only">What the token may do</label>
        <select id="token-scope" data-testid="token-scope" value={scope} onChange={(e) => setScope(e.target.value as TokenScope)} className="w-full min-w-0 rounded-lg border border-slate-300 bg-white px-3 py-2 sm:w-auto dark:border-slate-700 dark:bg-slate-900">
          {scopes.map((s) => (
            <option key={s} value={s}>{SCOPE_LABELS[s]}</option>
          ))}
        </select>
        <button type="submit" data-testid="token-create" className="rounded-lg bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">Create</button>
      </form>
      {error && <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">{error}</p>}
      {created && (
        <div className="rounded-lg bg-amber-50 p-3 text-sm dark:bg-amber-950">
          <p className="font-medium">Copy &ldquo;{created.name}&rdquo; now: it will not be shown again.</p>
          <div className="mt-2 flex gap-2">
            <code data-testid="token-value" className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1 dark:bg-slate-900">{created.token}</code>
            <button type="button" onClick={() => void navigator.clipboard?.writeText(created.token)} className="rounded px-2 py-1 ring-1 ring-slate-300">Copy</button>
          </div>
        </div>
      )}
      <ul className="divide-y divide-slate-200 dark:divide-slate-800">
        {tokens?.length === 0 && <li className="py-3 text-sm text-slate-600 dark:text-slate-400">No tokens yet.</li>}
        {tokens?.map((t) => (
          <li key={t.id} data-testid="token-item" className="flex items-center justify-between gap-2 py-3 text-sm">
            <span className="min-w-0">
              <span className="block font-medium break-words">{t.name}</span>
              <span className="text-slate-600 dark:text-slate-400">
                {SCOPE_LABELS[t.scope]} · created {new Date(t.createdAt).toLocaleString()} · {t.lastUsedAt ? `last used ${new Date(t.lastUsedAt).toLocaleString()}` : "never used"}
              </span>
            </span>
            <button type="button" data-testid="token-revoke" onClick={() => void revoke(t.id)} className="rounded px-2 py-1 text-rose-700 dark:text-rose-300 hover:bg-rose-50 dark:hover:bg-rose-950">Revoke</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
