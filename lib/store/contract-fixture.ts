// What every concern's contract suite shares: a fresh set of stores per test
// from the backend under test, and a notification to publish.
import { afterEach, beforeEach } from "vitest";
import type { NewNotification } from "./log/types";
import type { Stores } from "./stores";

export interface StoresFixture {
  stores: Stores;
  cleanup(): Promise<void>;
}

export type MakeStores = (options: { historyMax: number }) => Promise<StoresFixture>;

/** Fresh stores before each test (HISTORY_MAX 50), cleaned up after; call inside a describe. */
export function useStores(make: MakeStores): () => Stores {
  let fixture: StoresFixture;
  beforeEach(async () => {
    fixture = await make({ historyMax: 50 });
  });
  afterEach(async () => fixture.cleanup());
  return () => fixture.stores;
}

export const alert = (title: string, audience: NewNotification["audience"] = { kind: "all" }): NewNotification => ({
  title,
  body: `body of ${title} — ünïcode ✓, "quotes", commas`,
  severity: "info",
  audience,
  sender: { id: "u_admin", name: "Admin" },
});
