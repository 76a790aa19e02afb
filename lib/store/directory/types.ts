// The channel catalog and who follows which.
import type { Channel, Role } from "../../shared/types";

/** Someone who signed in here, as they last did: whom an escalation can reach by email. */
export interface Person {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Made an admin by their identity provider's groups (OIDC_ADMIN_GROUPS) at that sign-in. */
  adminByGroup?: boolean;
}

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
  /**
   * The follows of each of these people, in one round trip; someone who
   * never chose follows the defaults (nothing is written: a sign-in does that).
   */
  followingOf(userIds: string[]): Promise<Map<string, string[]>>;
  /** Replaces the user's follows and tells every instance (a `follows` bus message). */
  setFollowing(userId: string, channels: string[]): Promise<void>;
  /** Remembers (or updates) someone who signed in. */
  rememberPerson(person: Person): Promise<void>;
  /** Everyone who ever signed in, in one command. */
  people(): Promise<Person[]>;
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
