// The floor: a bare node:http server writing SSE to a Set of responses.
// GET /events streams; POST /publish {"t":…} writes one event to every stream.
import { createServer } from "node:http";

const streams = new Set();
let seq = 0;
const server = createServer((req, res) => {
  if (req.url === "/events") {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform" });
    res.write("retry: 3000\n\n");
    streams.add(res);
    req.on("close", () => streams.delete(res));
    return;
  }
  if (req.url === "/publish" && req.method === "POST") {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const frame = `event: notification\nid: ${++seq}\ndata: ${body}\n\n`;
      for (const s of streams) s.write(frame);
      res.writeHead(201, { "content-type": "application/json" }).end('{"ok":true}');
    });
    return;
  }
  res.writeHead(200).end('{"ok":true}');
});
server.listen(Number(process.env.PORT), "127.0.0.1");
