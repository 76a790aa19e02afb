import { AdminConsole } from "@/components/admin-console";
import { AppShell } from "@/components/app-shell";
import { DiagnosticsPanel } from "@/components/diagnostics-panel";
import { config } from "@/lib/server/config";
import { EMBEDDED_FORGETS, forgetsOnRestart } from "@/lib/server/startup-check";
import { requireUser } from "@/lib/auth/session";

export default async function AdminPage() {
  const user = await requireUser("/admin");
  const { deploymentProblem, diagnostics } = config();
  return (
    <AppShell user={user}>
      {deploymentProblem && user.role === "admin" && (
        <p role="alert" data-testid="deployment-problem" className="mb-4 rounded-xl bg-rose-50 p-4 text-sm text-rose-800 ring-1 ring-rose-200 dark:bg-rose-950 dark:text-rose-200 dark:ring-rose-900">
          {deploymentProblem}
        </p>
      )}
      {forgetsOnRestart() && user.role === "admin" && (
        <p data-testid="embedded-forgets" className="mb-4 rounded-xl bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-amber-200 dark:bg-amber-950 dark:text-amber-100 dark:ring-amber-900">
          {EMBEDDED_FORGETS}
        </p>
      )}
      {user.role === "admin" ? (
        <>
          <AdminConsole userId={user.id} />
          {diagnostics && <DiagnosticsPanel />}
        </>
      ) : (
        <section className="rounded-xl bg-white p-8 text-center ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
          <h1 className="text-lg font-semibold">Admins only</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Sending alerts needs the admin role. Ask an admin to add your email to ADMIN_EMAILS.</p>
        </section>
      )}
    </AppShell>
  );
}
