// A load-generator thread: opens SSE streams with node:http, parses them with
// eventsource-parser, and times each delivery from the publish timestamp the
// event carries ("t" or the notification's "body") to its receipt.
import http from "node:http";
import { parentPort } from "node:worker_threads";
import { createParser } from "eventsource-parser";

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const requests = new Set();
let latencies = [];
let firstAt = Infinity;
let lastAt = 0;
const STAMP = /"(?:t|body)":"?(\d+(?:\.\d+)?)/;
const now = () => performance.timeOrigin + performance.now();

function onEvent(event) {
  const match = STAMP.exec(event.data);
  if (!match) return;
  const at = now();
  latencies.push(at - Number(match[1]));
  if (at < firstAt) firstAt = at;
  if (at > lastAt) lastAt = at;
}

function open(url, headers) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { accept: "text/event-stream", ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`${url} answered ${res.statusCode}`));
      }
      const parser = createParser({ onEvent });
      res.setEncoding("utf8");
      res.on("data", (chunk) => parser.feed(chunk));
      res.on("error", () => {});
      resolve();
    });
    req.on("error", reject);
    requests.add(req);
  });
}

parentPort.on("message", async (message) => {
  if (message.cmd === "open") {
    const { urls, headers, count, inflight } = message;
    let next = 0;
    let failures = 0;
    let firstError = null;
    await Promise.all(
      Array.from({ length: Math.min(inflight, count) }, async () => {
        while (next < count) {
          const i = next++;
          await open(urls[i % urls.length], headers).catch((e) => {
            failures++;
            firstError ??= e.message;
          });
        }
      }),
    );
    parentPort.postMessage({ type: "opened", failures, firstError });
  } else if (message.cmd === "collect") {
    const out = Float64Array.from(latencies);
    parentPort.postMessage({ type: "collected", latencies: out, firstAt, lastAt }, [out.buffer]);
    latencies = [];
    firstAt = Infinity;
    lastAt = 0;
  } else if (message.cmd === "close") {
    for (const req of requests) req.destroy();
    requests.clear();
    parentPort.postMessage({ type: "closed" });
  }
});
