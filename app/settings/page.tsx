import { AppShell } from "@/components/app-shell";
import { ChannelFollows } from "@/components/channel-follows";
import { DesktopNotificationsSetting } from "@/components/desktop-notifications-setting";
import { MuteSettings } from "@/components/mute-settings";
import { PushDeviceSetting } from "@/components/push-device-setting";
import { TokenManager } from "@/components/token-manager";
import { requireUser } from "@/lib/auth/session";

export default async function SettingsPage() {
  const user = await requireUser("/settings");
  return (
    <AppShell user={user}>
      <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
        <TokenManager canPublish={user.role === "admin"} />
        <div className="space-y-6">
          <ChannelFollows />
          <MuteSettings />
          <DesktopNotificationsSetting />
          <PushDeviceSetting />
        </div>
      </div>
    </AppShell>
  );
}
