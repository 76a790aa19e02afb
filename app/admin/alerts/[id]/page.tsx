import { AlertDetailView } from "@/components/alert-detail";
import { AppShell } from "@/components/app-shell";
import { requireUser } from "@/lib/auth/session";

export default async function AlertPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/admin/alerts/${encodeURIComponent(id)}`);
  return (
    <AppShell user={user}>
      {user.role === "admin" ? (
        <AlertDetailView id={id} />
      ) : (
        <section className="rounded-xl bg-white p-8 text-center ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
          <h1 className="text-lg font-semibold">Admins only</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">An alert&apos;s recipients are for admins to see.</p>
        </section>
      )}
    </AppShell>
  );
}
