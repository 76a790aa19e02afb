// The embedded escalation state: maps, and the due-time set as a map from
// member to due time (a process's own timers run it: lib/escalation/runner.ts).
import { SEVERITIES, type Audience } from "../../shared/types";
import type { MemoryBus } from "../bus/memory";
import { dueMember, type Acknowledgement, type DueStep, type EscalationDefaults, type EscalationEvent, type EscalationStore } from "./types";

export class MemoryEscalations implements EscalationStore {
  private readonly acks = new Map<string, Acknowledgement>();
  private readonly due = new Map<string, DueStep>();
  private readonly logs = new Map<string, EscalationEvent[]>();
  private chosen: EscalationDefaults = {};

  constructor(private readonly bus: MemoryBus) {}

  async acknowledge(alertId: string, acknowledgement: Acknowledgement, audience: Audience) {
    const kept = this.acks.get(alertId);
    if (kept) return { acknowledgement: { ...kept }, first: false };
    this.acks.set(alertId, { ...acknowledgement });
    this.bus.send({ type: "acknowledged", audience, data: { id: alertId, acknowledgement: { ...acknowledgement } } });
    return { acknowledgement: { ...acknowledgement }, first: true };
  }

  async acknowledgements(alertIds: string[]) {
    return new Map(alertIds.flatMap((id) => (this.acks.has(id) ? [[id, { ...this.acks.get(id)! }] as const] : [])));
  }

  async schedule(step: DueStep) {
    this.due.set(dueMember(step), { ...step });
  }

  async claimDue(now: number, leaseMs: number, max: number) {
    const claimed = [...this.due.values()].filter((s) => s.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt).slice(0, max);
    for (const step of claimed) this.due.set(dueMember(step), { ...step, dueAt: now + leaseMs });
    let nextDueAt: number | null = null;
    for (const { dueAt } of this.due.values()) if (nextDueAt === null || dueAt < nextDueAt) nextDueAt = dueAt;
    return { steps: claimed.map((s) => ({ ...s })), nextDueAt };
  }

  async done(step: DueStep) {
    this.due.delete(dueMember(step));
  }

  async record(alertId: string, event: EscalationEvent) {
    this.logs.set(alertId, [...(this.logs.get(alertId) ?? []), { ...event }]);
  }

  async history(alertId: string) {
    return (this.logs.get(alertId) ?? []).map((e) => ({ ...e }));
  }

  async defaults() {
    return { ...this.chosen };
  }

  async setDefaults(defaults: EscalationDefaults) {
    this.chosen = Object.fromEntries(SEVERITIES.flatMap((s) => (defaults[s] !== undefined ? [[s, defaults[s]]] : [])));
  }
}
