// System 1, the floor: a bare node:http server writing SSE to a Set of responses (GET /events, POST /publish).
import { createServer, type ServerResponse } from "node:http";

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
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const frame = `event: notification\nid: ${++seq}\ndata: ${body}\n\n`;
      for (const stream of streams) stream.write(frame);
      res.writeHead(201, { "content-type": "application/json" }).end('{"ok":true}');
    });
    return;
  }
  res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
});

server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
