// Who is on each firing alert (its first acknowledgement), the escalation
// steps still to run (a due-time set any instance claims), what each alert's
// escalation did, and the admins' default delays.
import type { Acknowledgement, Audience, EscalationEvent, Severity } from "../../shared/types";

export type { Acknowledgement, EscalationEvent };

/** One step of an alert's escalation, to run at `dueAt` (ms) unless someone acknowledged or resolved it first. */
export interface DueStep {
  alertId: string;
  /** 1: its recipients again; 2: the next list. */
  step: 1 | 2;
  dueAt: number;
  /** The delay between steps (ms). */
  afterMs: number;
  /** Who step 2 reaches: the admins, or these addresses. */
  escalateTo: "admins" | string[];
}

/** Severity → seconds before an unacknowledged alert of it escalates (absent: it does not, unless the sender says). */
export type EscalationDefaults = Partial<Record<Severity, number>>;

export interface EscalationStore {
  /**
   * The first acknowledgement wins: answers the one kept, and whether it was
   * this one. The first tells every stream of `audience` (an `acknowledged` bus message).
   */
  acknowledge(alertId: string, acknowledgement: Acknowledgement, audience: Audience): Promise<{ acknowledgement: Acknowledgement; first: boolean }>;
  /** The acknowledgements of these alerts that have one, in one command. */
  acknowledgements(alertIds: string[]): Promise<Map<string, Acknowledgement>>;
  /** Adds the step to the due-time set. */
  schedule(step: DueStep): Promise<void>;
  /**
   * The steps due at `now` (ms), at most `max`, each to one caller only: a
   * claimed step is due again `leaseMs` later, so a claimer that dies before
   * done() loses no step, and none runs twice while its claimer lives.
   * `nextDueAt`: when the soonest step left (claimed ones' leases included)
   * is due, or null: a poller knows when to look next.
   */
  claimDue(now: number, leaseMs: number, max: number): Promise<{ steps: DueStep[]; nextDueAt: number | null }>;
  /** The claimed step ran (or had nothing left to do): it leaves the set. */
  done(step: DueStep): Promise<void>;
  record(alertId: string, event: EscalationEvent): Promise<void>;
  history(alertId: string): Promise<EscalationEvent[]>;
  defaults(): Promise<EscalationDefaults>;
  setDefaults(defaults: EscalationDefaults): Promise<void>;
}

/** How a step is named in the due-time set: the same step scheduled twice is one. */
export const dueMember = (step: DueStep) => JSON.stringify({ alertId: step.alertId, step: step.step, afterMs: step.afterMs, escalateTo: step.escalateTo });
