// Prometheus Alertmanager's webhook payload (version 4) and Grafana's
// (unified alerting, the same `alerts[]` shape), as notifications: one per
// alert, a resolved one replacing its firing one through a collapse key made
// from the alert's fingerprint. The mapping is the one docs/api.md gives
// ("Alerts from the tools teams run").
import { createHash } from "node:crypto";
import { z } from "zod";
import type { PublishItem } from "../notifications/publish";
import type { Audience, Integration, Severity } from "../shared/types";
import { asBody, asLink, asTitle } from "./text";

const labelSet = z.record(z.string(), z.string({ error: "Labels and annotations are strings." }));

const alertSchema = z.object({
  status: z.enum(["firing", "resolved"], { error: 'An alert\'s status is "firing" or "resolved".' }),
  labels: labelSet,
  annotations: labelSet.default({}),
  generatorURL: z.string().optional(),
  fingerprint: z.string().max(200).optional(),
  startsAt: z.string().max(64).optional(),
  endsAt: z.string().max(64).optional(),
});

/** Both tools send more (receiver, groupKey, Grafana's values…); only `alerts` is needed, and unknown fields are theirs to add. */
export const alertGroupSchema = z.object({
  alerts: z.array(alertSchema, { error: "This is not an Alertmanager or Grafana webhook payload: it has no alerts list." }),
});
export type AlertGroup = z.infer<typeof alertGroupSchema>;
type Alert = AlertGroup["alerts"][number];

const SEVERITY_LABELS: Partial<Record<string, Severity>> = { critical: "critical", error: "error", warning: "warning", info: "info" };

function severityOf(alert: Alert): Severity {
  return SEVERITY_LABELS[alert.labels.severity?.trim().toLowerCase() ?? ""] ?? "warning";
}

/** The same alert's firing and resolved notices share it; without a fingerprint, its labels (sorted) stand for it. */
function collapseKeyOf(alert: Alert, via: Integration): string {
  const identity =
    alert.fingerprint?.trim() ||
    Object.entries(alert.labels)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
      .join(",");
  // A fingerprint is 16 hex digits; anything longer (or a label set) is hashed to fit the key's 64 characters.
  const key = /^[\w-]{1,40}$/.test(identity) ? identity : createHash("sha256").update(identity).digest("hex").slice(0, 32);
  return `${via}:${key}`;
}

/**
 * When the alert last changed: a firing one when it started, a resolved one when it ended (or started,
 * when a tool sends no end: Alertmanager's zero time, year 1). A notice older than the last one applied
 * (a firing notice from a peer Alertmanager after the resolved one) adds nothing; a new firing starts
 * later than the last resolved one ended.
 */
function orderOf(alert: Alert): { order?: number } {
  const times = [alert.startsAt, ...(alert.status === "resolved" ? [alert.endsAt] : [])].map((t) => Date.parse(t ?? "")).filter(Number.isFinite);
  return times.length ? { order: Math.max(...times) } : {};
}

/** One notification per alert; re-sent with the same status, start and end (a retry, a repeat), it is the same revision and adds nothing. */
export function alertToNotification(alert: Alert, via: Integration, audience: Audience): PublishItem {
  const title = asTitle(alert.annotations.summary ?? "") || asTitle(alert.labels.alertname ?? "") || "Alert";
  const link = asLink(alert.generatorURL);
  return {
    input: {
      title,
      body: asBody(alert.annotations.description ?? ""),
      severity: severityOf(alert),
      ...(link ? { link } : {}),
      audience,
      collapseKey: collapseKeyOf(alert, via),
      status: alert.status,
    },
    revision: { signature: [alert.status, alert.startsAt ?? "", alert.endsAt ?? ""].join(" "), ...orderOf(alert) },
  };
}
