// An admin marks a firing alert resolved: the same alert is published again
// with `status: "resolved"` under its collapse key, so it replaces the firing
// one in every feed, live, as a resolved notice from a tool would.
import "server-only";
import { collapseScope } from "../shared/audience";
import { ApiError, notFound } from "../server/errors";
import { isExpired } from "../shared/expiry";
import { publishNotification } from "./publish";
import { getStores } from "../store";
import type { PublishResult, SessionUser } from "../shared/types";

export async function resolveAlert(admin: SessionUser, id: string): Promise<PublishResult> {
  const store = getStores();
  const [alert] = await store.log.eventsByIds([id]);
  if (!alert) throw notFound("This alert (or it is older than the history kept)");
  const scope = collapseScope(alert);
  if (!scope) throw new ApiError(409, "This alert has no collapse key, so nothing can replace it: send alerts you will resolve as “Firing”.");
  if (alert.status === "resolved") throw new ApiError(409, "This alert is resolved already.");
  if (isExpired(alert, Date.now())) throw new ApiError(409, "This alert has expired: nobody is shown it any more.");
  const latest = (await store.log.latestInCollapseScopes([scope])).get(scope);
  if (latest !== alert.id) throw new ApiError(409, "A newer alert with the same key replaced this one: resolve that one.");
  return publishNotification(
    admin,
    {
      title: alert.title,
      body: alert.body,
      severity: alert.severity,
      ...(alert.link ? { link: alert.link } : {}),
      audience: alert.audience,
      collapseKey: alert.collapseKey,
      status: "resolved",
      ...(alert.expiresAt ? { expiresAt: alert.expiresAt } : {}),
    },
    { limitKey: `user:${admin.id}` },
  );
}
