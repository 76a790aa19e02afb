// The channel catalog and who follows which.
import type { Channel } from "../../shared/types";

export interface Directory {
  listChannels(): Promise<Channel[]>;
  /** Creates the channel, or changes its description and whether new people follow it. */
  putChannel(channel: Channel): Promise<"created" | "updated">;
  /** Removes it from the catalog (what was sent to it stays in history); false when there was none. */
  deleteChannel(name: string): Promise<boolean>;
  /**
   * The channels the user follows. Someone who never chose follows the
   * channels followed by default at that moment, kept as their choice: a
   * later change of the defaults is for people who come after.
   */
  getFollowing(userId: string): Promise<string[]>;
  /** Replaces the user's follows and tells every instance (a `follows` bus message). */
  setFollowing(userId: string, channels: string[]): Promise<void>;
}

/** The catalog a new deployment starts with; admins change it on /admin. */
export const DEFAULT_CHANNELS: Channel[] = [
  { name: "ops", description: "Alerts from monitoring (Alertmanager, Grafana)", followedByDefault: true },
  { name: "deploys", description: "Releases and rollbacks", followedByDefault: false },
  { name: "incidents", description: "Outages and their resolution", followedByDefault: false },
  { name: "security", description: "Security advisories and sign-in alerts", followedByDefault: false },
  { name: "billing", description: "Invoices, limits and plan changes", followedByDefault: false },
];

/**
 * Kept in a person's follows in Redis so that an empty choice is told apart
 * from none (Redis drops an empty set). Never a channel name (lib/shared/schemas.ts).
 */
export const CHOSEN_MARKER = ".";

/** A follows set as Redis holds it: the channels, sorted. */
export const withoutMarker = (members: unknown[]) => members.map(String).filter((m) => m !== CHOSEN_MARKER).sort();

export const followedByDefault = (channels: Channel[]) => channels.filter((c) => c.followedByDefault).map((c) => c.name);
