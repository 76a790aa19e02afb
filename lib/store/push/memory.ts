// The embedded push subscriptions: maps per person.
import type { Severity } from "../../shared/types";
import { DEFAULT_PUSH_SEVERITIES, PUSH_SUBSCRIPTIONS_MAX, type PushPerson, type PushStore, type PushSubscriptionRecord } from "./types";

export class MemoryPush implements PushStore {
  private readonly byUser = new Map<string, { email: string; name: string; subscriptions: Map<string, PushSubscriptionRecord> }>();
  private readonly chosen = new Map<string, Severity[]>();

  async subscribe({ userId, email, name }: Omit<PushPerson, "severities" | "subscriptions">, subscription: PushSubscriptionRecord) {
    for (const [other, person] of [...this.byUser]) if (other !== userId && person.subscriptions.has(subscription.endpoint)) await this.unsubscribe(other, subscription.endpoint);
    const subscriptions = this.byUser.get(userId)?.subscriptions ?? new Map<string, PushSubscriptionRecord>();
    subscriptions.set(subscription.endpoint, { ...subscription });
    const oldestFirst = [...subscriptions.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const old of oldestFirst.slice(0, Math.max(0, oldestFirst.length - PUSH_SUBSCRIPTIONS_MAX))) subscriptions.delete(old.endpoint);
    this.byUser.set(userId, { email, name, subscriptions });
  }

  async unsubscribe(userId: string, endpoint: string) {
    const person = this.byUser.get(userId);
    const had = person?.subscriptions.delete(endpoint) ?? false;
    if (person && person.subscriptions.size === 0) this.byUser.delete(userId);
    return had;
  }

  async subscriptions(userId: string) {
    return [...(this.byUser.get(userId)?.subscriptions.values() ?? [])].map((s) => ({ ...s }));
  }

  async people() {
    return [...this.byUser].map(([userId, { email, name, subscriptions }]) => ({
      userId,
      email,
      name,
      severities: this.severitiesOf(userId),
      subscriptions: [...subscriptions.values()].map((s) => ({ ...s })),
    }));
  }

  async severities(userId: string) {
    return this.severitiesOf(userId);
  }

  async setSeverities(userId: string, severities: Severity[]) {
    this.chosen.set(userId, [...severities]);
  }

  private severitiesOf(userId: string) {
    return [...(this.chosen.get(userId) ?? DEFAULT_PUSH_SEVERITIES)];
  }
}
