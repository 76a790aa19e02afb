// The batched floor: the floor (bare node:http) that batches as the
// product's hub does. An event that finds it idle goes out at once; events
// that arrive while a fan-out is written gather and go out together, one write
// per stream, after the hub's gap (lib/stream/flush-gap.ts). The honest limit
// for the product's design, without Next.
import { createServer, type ServerResponse } from "node:http";
import { flushGapMs } from "../../lib/stream/flush-gap";

const streams = new Set<ServerResponse>();
let seq = 0;
let batch: string[] = [];
let pending = false;
let fanningOut = false;
let nextFlushAt = 0;

function schedule() {
  if (pending || fanningOut) return;
  pending = true;
  const wait = nextFlushAt - performance.now();
  if (wait > 0) setTimeout(flush, wait);
  else setImmediate(flush);
}

function flush() {
  pending = false;
  fanningOut = true;
  const started = performance.now();
  const chunk = batch.join("");
  batch = [];
  for (const stream of streams) stream.write(chunk);
  // After the writes' callbacks of this turn, as the hub measures its fan-out.
  setImmediate(() => {
    fanningOut = false;
    const end = performance.now();
    nextFlushAt = end + flushGapMs(end - started);
    if (batch.length) schedule();
  });
}

const server = createServer((req, res) => {
  if (req.url === "/events") {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform" });
    res.write("retry: 3000\n\n");
    streams.add(res);
    res.on("close", () => streams.delete(res));
    return;
  }
  if (req.url === "/publish" && req.method === "POST") {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      batch.push(`event: notification\nid: ${++seq}\ndata: ${body}\n\n`);
      schedule();
      res.writeHead(201, { "content-type": "application/json" }).end('{"ok":true}');
    });
    return;
  }
  res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
});

server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
