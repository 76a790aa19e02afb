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
