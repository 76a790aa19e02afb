// What the hub's tests share: an embedded store, a hub over it with test
// settings, and streams opened as the events route opens them (closed after
// each test).
import { afterEach } from "vitest";
import { collect } from "@/testing/sse-reader";
import { embeddedStores } from "../store/embedded";
import type { NewNotification } from "../store/log/types";
import type { Audience } from "../shared/types";
import type { StreamCredential } from "./connection";
import { Hub } from "./hub";
import type { HubOptions } from "./hub-options";

export const OPTIONS: HubOptions = {
  instanceId: "test",
  heartbeatMs: 60_000,
  maxDurationMs: 300_000,
  retryMs: 3_000,
  queueMaxBytes: 1_048_576,
};

export function alert(title: string, audience: Audience = { kind: "all" }): NewNotification {
  return { title, body: "", severity: "info", audience, sender: { id: "u_admin", name: "Admin" } };
}

/** Streams opened by a test, aborted after it. */
export const opened: AbortController[] = [];
afterEach(() => {
  for (const controller of opened.splice(0)) controller.abort();
});

export function setup(options: Partial<HubOptions> = {}, historyMax = 10_000) {
  const store = embeddedStores(historyMax);
  const hub = new Hub(store, { ...OPTIONS, ...options });
  /** As the route opens one: the bus marked, then the admission's reads (the sign-out check, follows, inbox version). */
  const open = async (userId: string, lastEventId: string | null = null, credential: StreamCredential | null = null) => {
    const controller = new AbortController();
    opened.push(controller);
    const admitted = { liveMark: hub.liveMark(), at: Date.now(), inboxVersion: await store.inbox.getVersion(userId) };
    const stream = collect(hub.open({ userId, following: await store.directory.getFollowing(userId), lastEventId, credential, signal: controller.signal, admitted }));
    await stream.waitFor((events) => events.some((e) => e.event === "connected"));
    return { stream, abort: () => controller.abort() };
  };
  return { store, hub, open };
}

