// The Upstash adapter against a real redis-server behind the local
// Upstash-compatible endpoint, through the official client.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { storeModesForThisFile } from "@/testing/store-modes";
import { until } from "@/testing/until";
import { runRedisBusContract } from "./bus/contract";
import type { BusMessage } from "./bus/types";
import { runStoreContracts } from "./contract";
import type { NewNotification } from "./log/types";
import { upstashStores } from "./redis-backed";
import { upstashClient } from "./redis/upstash";

const modes = storeModesForThisFile();
const fresh = async (historyMax = 50) => modes.freshRedisBacked("upstash", historyMax);

runStoreContracts("upstash", async ({ historyMax }) => ({ stores: await fresh(historyMax), cleanup: async () => {} }));

runRedisBusContract("upstash", { admin: modes.admin, fresh, client: () => upstashClient(modes.upstash().url, modes.upstash().token) });

const alert = (title: string): NewNotification => ({ title, body: "", severity: "info", audience: { kind: "all" }, sender: { id: "u", name: "A" } });

describe("upstash adapter", () => {
  // Regression: the subscribe confirmation and a message in one chunk; the
  // message went into a buffer that had just been emptied.
  it("hands on a message that arrives in the same chunk as the subscribe confirmation", async () => {
    await fresh(10_000);
    const proxy = await coalescingProxy(modes.upstash().url);
    try {
      const store = upstashStores({ url: proxy.url, token: modes.upstash().token, historyMax: 10_000 });
      const received: string[] = [];
      const subscription = store.log.subscribe((m: BusMessage) => m.type === "notification" && received.push(m.notification.title));
      await until(() => proxy.subscribesHeld() === 1);
      const publisher = upstashStores({ url: modes.upstash().url, token: modes.upstash().token, historyMax: 10_000 });
      await publisher.log.publish(alert("with the confirmation"));
      await subscription.ready;
      await until(() => received.length === 1);
      await publisher.log.publish(alert("after"));
      await until(() => received.length === 2);
      expect(received).toEqual(["with the confirmation", "after"]);
      subscription.close();
    } finally {
      await proxy.close();
    }
  });
});

/**
 * Forwards to the local endpoint, but holds back the start of each subscribe
 * stream until a message follows the confirmation, then writes both as one
 * chunk: what a busy network or the service may do.
 */
async function coalescingProxy(target: string) {
  let held = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !["host", "connection", "content-length"].includes(k)) as [string, string][],
    );
    try {
      const upstream = await fetch(target + req.url, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined, signal: abort.signal });
      res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
      if (!req.url?.startsWith("/subscribe/")) return res.end(Buffer.from(await upstream.arrayBuffer()));
      let start: string | null = "";
      held++;
      const decoder = new TextDecoder();
      const reader = upstream.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        if (start === null) {
          res.write(text);
          continue;
        }
        start += text;
        if (start.includes("data: message,")) {
          res.write(start);
          start = null;
          held--;
        }
      }
      res.end();
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    subscribesHeld: () => held,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
