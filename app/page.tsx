import { AppShell } from "@/components/app-shell";
import { Dashboard } from "@/components/dashboard";
import { config } from "@/lib/server/config";
import { requireUser } from "@/lib/auth/session";
import { feedFirstPage } from "@/lib/notifications/history";

export default async function DashboardPage() {
  const user = await requireUser("/");
  // The first paint shows the person's newest cards (no skeleton); the stream and the browser take over from there.
  const firstPage = await feedFirstPage(user);
  return (
    <AppShell user={user}>
      <Dashboard userId={user.id} hiddenStreamDropMs={config().hiddenStreamDropMs} firstPage={firstPage} />
    </AppShell>
  );
}
