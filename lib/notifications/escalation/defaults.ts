// The admins' default escalation delay per severity (/admin).
import "server-only";
import type { Severity } from "../../shared/types";
import { getStores } from "../../store";

export const escalationDefaults = () => getStores().escalations.defaults();

/** Severity → seconds, or null for none. */
export async function setEscalationDefaults(chosen: Partial<Record<Severity, number | null | undefined>>) {
  await getStores().escalations.setDefaults(Object.fromEntries(Object.entries(chosen).filter(([, seconds]) => typeof seconds === "number")));
  return escalationDefaults();
}
