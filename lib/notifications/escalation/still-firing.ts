// Whether a firing alert still needs someone: not expired, not resolved, not
// replaced by a newer alert of its collapse key (that one has its own
// acknowledgement and escalation). Asked when someone acknowledges it and when
// one of its escalation steps comes due.
import "server-only";
import { collapseScope } from "../../shared/audience";
import { isExpired } from "../../shared/expiry";
import type { Notification } from "../../shared/types";
import { getStores } from "../../store";

/** Why the alert needs nobody any more, or null while it does. */
export async function whyNotFiring(alert: Notification): Promise<string | null> {
  if (isExpired(alert, Date.now())) return "the alert expired";
  const scope = collapseScope(alert);
  if (!scope) return null;
  const store = getStores();
  const latestId = (await store.log.latestInCollapseScopes([scope])).get(scope);
  if (!latestId || latestId === alert.id) return null;
  const [latest] = await store.log.eventsByIds([latestId]);
  return latest?.status === "resolved" ? "the alert was resolved" : "a newer alert with the same key replaced it (it escalates on its own)";
}
