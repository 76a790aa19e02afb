// The framework floor's stream: a route handler returning a ReadableStream, registered until the request ends.
import { streams } from "../../streams";

export const dynamic = "force-dynamic";
const encoder = new TextEncoder();

export function GET(req: Request) {
  let controller: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      streams.add(c);
      c.enqueue(encoder.encode("retry: 3000\n\n"));
      req.signal.addEventListener("abort", () => streams.delete(c));
    },
    cancel() {
      streams.delete(controller);
    },
  });
  return new Response(stream, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform" } });
}
