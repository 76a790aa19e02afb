// The embedded funnels: per alert, dropped with the alert from the log.
import { percentiles } from "./percentiles";
import { FUNNEL_STAGES, type FunnelStage } from "../../shared/types";
import { entriesOf } from "../map-entries";
import type { FunnelMark, FunnelRecord, FunnelStore } from "./types";

interface AlertFunnel {
  counts: Map<FunnelStage, number>;
  members: Map<string, Set<FunnelStage>>;
  latency: Map<string, number>;
}

export class MemoryFunnel implements FunnelStore {
  private readonly funnelData = new Map<string, AlertFunnel>();
  private readonly labels = new Map<string, string>();

  async recordFunnel(marks: FunnelMark[], user?: { id: string; label: string }) {
    if (user) this.labels.set(user.id, user.label);
    for (const { notificationId, stage, member, count, latencyMs } of marks) {
      let funnel = this.funnelData.get(notificationId);
      if (!funnel) this.funnelData.set(notificationId, (funnel = { counts: new Map(), members: new Map(), latency: new Map() }));
      if (member !== undefined) {
        const stages = funnel.members.get(member) ?? new Set<FunnelStage>();
        if (stages.has(stage)) continue;
        funnel.members.set(member, stages.add(stage));
        if (latencyMs !== undefined) funnel.latency.set(member, latencyMs);
      }
      funnel.counts.set(stage, (funnel.counts.get(stage) ?? 0) + count);
    }
  }

  async funnels(ids: string[]): Promise<FunnelRecord[]> {
    return ids.map((id) => {
      const funnel = this.funnelData.get(id);
      const count = (stage: FunnelStage) => funnel?.counts.get(stage) ?? 0;
      return {
        counts: Object.fromEntries(FUNNEL_STAGES.map((stage) => [stage, count(stage)])) as Record<FunnelStage, number>,
        latency: percentiles([...(funnel?.latency.values() ?? [])].sort((a, b) => a - b)),
      };
    });
  }

  async funnelRecipients(id: string) {
    const stages = new Map<string, Set<FunnelStage>>();
    for (const [member, reached] of this.funnelData.get(id)?.members ?? []) {
      if (member.startsWith("u:")) stages.set(member.slice(2), new Set(reached));
    }
    return stages;
  }

  async userLabels(userIds: string[]) {
    return entriesOf(this.labels, userIds);
  }

  /** The alert left the log: its funnel goes with it. */
  forget(notificationId: string) {
    this.funnelData.delete(notificationId);
  }
}
