// Who a notification is for. The only place that decides it: the hub, the
// replay and the history all ask here, so no path can show an alert to the
// wrong user.
import type { Audience } from "./types";

export interface Recipient {
  userId: string;
  following: ReadonlySet<string>;
}

export function isAddressedTo(audience: Audience, recipient: Recipient): boolean {
  switch (audience.kind) {
    case "all":
      return true;
    case "user":
      return audience.userId === recipient.userId;
    case "channel":
      return recipient.following.has(audience.channel);
  }
}

/**
 * What a collapse key replaces within: the same key sent to the same
 * audience. One "deploy:42" to #deploys and another sent to a single person
 * are different things, and a person who gets both sees both.
 */
export function collapseScope(n: { audience: Audience; collapseKey?: string }): string | null {
  if (n.collapseKey === undefined) return null;
  return `${audienceKey(n.audience)}\n${n.collapseKey}`;
}

/** One audience as a key: "all", "user:<id>" or "channel:<name>"; the log keeps an index per key. */
export function audienceKey(audience: Audience): string {
  return audience.kind === "all" ? "all" : audience.kind === "user" ? `user:${audience.userId}` : `channel:${audience.channel}`;
}

/** Every audience that reaches the recipient: a page of their history merges these indexes, nothing else. */
export function audienceKeysOf(recipient: Recipient): string[] {
  return ["all", `user:${recipient.userId}`, ...[...recipient.following].map((channel) => `channel:${channel}`)];
}
