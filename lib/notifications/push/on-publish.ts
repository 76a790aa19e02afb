// Who is pushed when notifications are published: people with a device
// subscribed, who chose the severity, whom it is addressed to and who did
// not mute it. A device with a dashboard tab in view shows nothing twice:
// its service worker leaves it to the tab (public/sw.js).
import "server-only";
import { isExpired } from "../../shared/expiry";
import type { Notification } from "../../shared/types";
import { getStores } from "../../store";
import { addressedAndUnmuted } from "../recipients";
import { log } from "../../server/log";
import { config } from "../../server/config";
import { pushMessageOf } from "./message";
import { pushToDevices } from "./send";

export async function pushPublished(notifications: Notification[]): Promise<void> {
  if (!config().webPush || !notifications.length) return;
  try {
    const people = await getStores().push.people();
    if (!people.length) return;
    const now = Date.now();
    for (const n of notifications) {
      if (isExpired(n, now)) continue;
      const wanting = people.filter((p) => p.severities.includes(n.severity));
      const reached = new Set(await addressedAndUnmuted(n, wanting.map((p) => p.userId)));
      const message = pushMessageOf(n);
      await Promise.all(wanting.filter((p) => reached.has(p.userId)).map((person) => pushToDevices(person, message)));
    }
  } catch (error) {
    // The notifications are published: a push that failed is logged, never turned into the publish's error.
    log().error({ component: "push" }, `pushes lost: ${(error as Error).message}`);
  }
}
