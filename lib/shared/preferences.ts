// A person's mutes, and the one rule that applies them: the server (counts,
// pages, the funnel) and the browser (toasts, desktop notifications, the
// badge and title) both ask isMuted, so they never disagree.
import { SEVERITIES, type Audience, type Preferences, type Severity } from "./types";

/** How mutedChannels names the broadcast audience ({ kind: "all" }); no channel may take the name. */
export const EVERYONE = "everyone";

export const NO_PREFERENCES: Preferences = { mutedChannels: [], muteBelow: null, desktopNotifications: false };

/** The preferences alone, out of an answer or event that carries them beside other fields (counts), or as a release before desktopNotifications stored them. */
export function preferencesIn({ mutedChannels, muteBelow, desktopNotifications }: Preferences): Preferences {
  return { mutedChannels, muteBelow, desktopNotifications: desktopNotifications === true };
}

/** The name of a notification's audience in mutes and filters: its channel, or EVERYONE (a person's direct ones have none). */
export function channelNameOf(audience: Audience): string | null {
  return audience.kind === "all" ? EVERYONE : audience.kind === "channel" ? audience.channel : null;
}

export function isMuted(n: { audience: Audience; severity: Severity }, preferences: Preferences): boolean {
  if (n.severity === "critical") return false;
  if (preferences.muteBelow !== null && SEVERITIES.indexOf(n.severity) < SEVERITIES.indexOf(preferences.muteBelow)) return true;
  const channel = channelNameOf(n.audience);
  return channel !== null && preferences.mutedChannels.includes(channel);
}
