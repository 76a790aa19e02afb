// Sequences that once stopped an instance from delivering live for good
//: streams that leave while publishes are being batched, and a
// client that rotates its stream under steady publishing. Shared by the
// embedded and the cluster end-to-end suites.
import { setTimeout as sleep } from "node:timers/promises";
import { collect, notificationIds } from "./sse-reader";

export interface LiveTarget {
  url: string;
  /** Cookie header of an admin (publishes) and of a member (streams). */
  admin: string;
  member: string;
}

export async function publishTitle(target: LiveTarget, title: string): Promise<string> {
  const res = await fetch(`${target.url}/api/notifications`, {
    method: "POST",
    headers: { cookie: target.admin, origin: target.url, "content-type": "application/json" },
    body: JSON.stringify({ audience: { kind: "all" }, title }),
  });
  if (res.status !== 201) throw new Error(`publish answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

async function openStream(target: LiveTarget, signal: AbortSignal) {
  const res = await fetch(`${target.url}/api/events`, { headers: { cookie: target.member }, signal });
  if (res.status !== 200) throw new Error(`stream answered ${res.status}`);
  const stream = collect(res.body!);
  await stream.waitFor((e) => e.some((x) => x.event === "connected"));
  return stream;
}

/** `rounds` times: open a stream, send 40 publishes at once, abort the stream 15–35 ms later. */
export async function churnStreamsDuringPublishes(target: LiveTarget, rounds = 20) {
  for (let round = 0; round < rounds; round++) {
    const controller = new AbortController();
    await openStream(target, controller.signal);
    const publishes = Array.from({ length: 40 }, (_, i) => publishTitle(target, `churn ${round}.${i}`));
    await sleep(15 + Math.random() * 20);
    controller.abort();
    await Promise.all(publishes);
  }
}

/** One client that reconnects whenever its stream ends, while ~50 publishes a second go out, for `ms`. */
export async function rotateUnderPublishes(target: LiveTarget, ms: number) {
  const until = Date.now() + ms;
  let rotations = 0;
  const publisher = (async () => {
    for (let i = 0; Date.now() < until; i++) {
      await publishTitle(target, `steady ${i}`);
      await sleep(20);
    }
  })();
  while (Date.now() < until) {
    const controller = new AbortController();
    const stream = await openStream(target, controller.signal);
    await Promise.race([stream.ended, sleep(until - Date.now())]);
    controller.abort();
    rotations++;
  }
  await publisher;
  return rotations;
}

/** Opens a fresh stream, publishes one notification, and resolves once it arrived live (rejects after `timeoutMs`). */
export async function assertDeliversLive(target: LiveTarget, timeoutMs = 5_000) {
  const controller = new AbortController();
  try {
    const stream = await openStream(target, controller.signal);
    const id = await publishTitle(target, "still live?");
    await stream.waitFor((e) => notificationIds(e).includes(id), timeoutMs);
  } finally {
    controller.abort();
  }
}
