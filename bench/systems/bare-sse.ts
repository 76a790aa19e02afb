// What both floors share: a bare node:http server with GET /events (SSE
// streams kept in a Set) and POST /publish (the body becomes one event frame,
// handed to `onEvent`, then 201). Each floor decides only how frames reach the streams.
import { createServer, type ServerResponse } from "node:http";
import { onPublishBody } from "./publish-body";

export function serveBareSse(onEvent: (frame: string, streams: Set<ServerResponse>) => void) {
  const streams = new Set<ServerResponse>();
  let seq = 0;
  const server = createServer((req, res) => {
    if (req.url === "/events") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform" });
      res.write("retry: 3000\n\n");
      streams.add(res);
      res.on("close", () => streams.delete(res));
      return;
    }
    if (req.url === "/publish" && req.method === "POST") {
      onPublishBody(req, (body) => {
        onEvent(`event: notification\nid: ${++seq}\ndata: ${body}\n\n`, streams);
        res.writeHead(201, { "content-type": "application/json" }).end('{"ok":true}');
      });
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
  server.listen(Number(process.env.PORT), "127.0.0.1");
  process.on("SIGTERM", () => process.exit(0));
}
