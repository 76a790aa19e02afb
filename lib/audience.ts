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
  const audience = n.audience.kind === "all" ? "all" : n.audience.kind === "user" ? `user:${n.audience.userId}` : `channel:${n.audience.channel}`;
  return `${audience}\n${n.collapseKey}`;
}
