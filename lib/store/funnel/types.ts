// Each alert's funnel: how many were targeted, reached, shown, read, opened,
// and who acknowledged it.
import type { FunnelStage } from "../../shared/types";

/**
 * One step of an alert's funnel. With a `member` ("u:<user id>"), it counts once per member (adding `count`, which may be
 * 0 to only record the member's state) and keeps the member's latency; without
 * one, it adds `count`.
 */
export interface FunnelMark {
  notificationId: string;
  stage: FunnelStage;
  member?: string;
  count: number;
  latencyMs?: number;
}

export interface FunnelRecord {
  counts: Record<FunnelStage, number>;
  /** Display latencies, one per person, sorted. Read back as percentiles, never listed. */
  latency: { p50: number; p95: number; max: number } | null;
}

/** How the funnel names who reached a stage: a person counts once at each stage. */
export const funnelMember = {
  user: (userId: string) => `u:${userId}`,
};

/** How long an alert's funnel is kept after its last change. */
export const FUNNEL_TTL_S = 7 * 24 * 3600;

export interface FunnelStore {
  /** Records funnel steps, in one round trip however many; `user` is remembered as who acknowledged. */
  recordFunnel(marks: FunnelMark[], user?: { id: string; label: string }): Promise<void>;
  /** The funnels of these alerts, in one round trip (an alert with none has zeros). */
  funnels(ids: string[]): Promise<FunnelRecord[]>;
  /** Which stages each user reached for one alert (the users with any). */
  funnelRecipients(id: string): Promise<Map<string, Set<FunnelStage>>>;
  /** "Name <email>" of those among these users who ever acknowledged anything. */
  userLabels(userIds: string[]): Promise<Map<string, string>>;
}
