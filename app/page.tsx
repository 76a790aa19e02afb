import { AppShell } from "@/components/app-shell";
import { Dashboard } from "@/components/dashboard";
import { config } from "@/lib/config";
import { requireUser } from "@/lib/session";

export default async function DashboardPage() {
  const user = await requireUser("/");
  return (
    <AppShell user={user}>
      <Dashboard userId={user.id} hiddenStreamDropMs={config().hiddenStreamDropMs} />
    </AppShell>
  );
}
