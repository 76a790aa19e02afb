import { AppShell } from "@/components/app-shell";
import { Dashboard } from "@/components/dashboard";
import { config } from "@/lib/server/config";
import { requireUser } from "@/lib/auth/session";

export default async function DashboardPage() {
  const user = await requireUser("/");
  return (
    <AppShell user={user}>
      <Dashboard userId={user.id} hiddenStreamDropMs={config().hiddenStreamDropMs} />
    </AppShell>
  );
}
