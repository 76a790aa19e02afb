// docs/integrations.md, shown in the app where admins create the tokens it
// asks for: the copy-paste configuration for Alertmanager, Grafana and GitHub.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { AppShell } from "@/components/app-shell";
import { requireUser } from "@/lib/auth/session";

export default async function IntegrationsPage() {
  const user = await requireUser("/settings/integrations");
  // Its own first line is the title above.
  const guide = (await readFile(path.join(process.cwd(), "docs", "integrations.md"), "utf8")).replace(/^# .*\n+/, "");
  return (
    <AppShell user={user}>
      <article aria-labelledby="integrations-heading" className="rounded-xl bg-white p-5 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
        <h1 id="integrations-heading" className="mb-3 text-lg font-semibold">Integrations</h1>
        <pre data-testid="integrations-guide" className="overflow-x-auto text-sm whitespace-pre-wrap break-words">
          {guide}
        </pre>
      </article>
    </AppShell>
  );
}
