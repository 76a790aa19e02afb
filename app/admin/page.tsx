import { AdminConsole } from "@/components/admin-console";
import { AppShell } from "@/components/app-shell";
import { requireUser } from "@/lib/session";

export default async function AdminPage() {
  const user = await requireUser("/admin");
  return (
    <AppShell user={user}>
      {user.role === "admin" ? (
        <AdminConsole />
      ) : (
        <section className="rounded-xl bg-white p-8 text-center ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
          <h1 className="text-lg font-semibold">Admins only</h1>
          <p className="mt-1 text-sm text-slate-500">Sending alerts needs the admin role. Ask an admin to add your email to ADMIN_EMAILS.</p>
        </section>
      )}
    </AppShell>
  );
}
