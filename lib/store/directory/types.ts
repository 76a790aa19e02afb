// Channels and who follows which.
import type { Channel } from "../../shared/types";

export interface Directory {
  listChannels(): Promise<Channel[]>;
  getFollowing(userId: string): Promise<string[]>;
  /** Replaces the user's follows and tells every instance (a `follows` bus message). */
  setFollowing(userId: string, channels: string[]): Promise<void>;
}

export const DEFAULT_CHANNELS: Channel[] = [
  { name: "deploys", description: "Releases and rollbacks" },
  { name: "incidents", description: "Outages and their resolution" },
  { name: "security", description: "Security advisories and sign-in alerts" },
  { name: "billing", description: "Invoices, limits and plan changes" },
];
