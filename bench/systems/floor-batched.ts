// The batched floor: the floor (bare node:http) that batches as the
// product's hub does. An event that finds it idle goes out at once; events
// that arrive while a fan-out is written gather and go out together, one write
// per stream, after the hub's gap (lib/stream/flush-gap.ts). The honest limit
// for the product's design, without Next.
import type { ServerResponse } from "node:http";
import { flushGapMs } from "../../lib/stream/flush-gap";
import { serveBareSse } from "./bare-sse";

let batch: string[] = [];
let pending = false;
let fanningOut = false;
let nextFlushAt = 0;

function schedule(streams: Set<ServerResponse>) {
  if (pending || fanningOut) return;
  pending = true;
  const wait = nextFlushAt - performance.now();
  if (wait > 0) setTimeout(() => flush(streams), wait);
  else setImmediate(() => flush(streams));
}

function flush(streams: Set<ServerResponse>) {
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
    if (batch.length) schedule(streams);
  });
}

serveBareSse((frame, streams) => {
  batch.push(frame);
  schedule(streams);
});
