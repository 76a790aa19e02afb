// The Socket.IO peer, as a self-hosting Node team builds it: socket.io 4 over
// WebSocket with @socket.io/redis-adapter on redis-server, one room per
// audience (here the one every client joins), any number of instances.
// POST /publish on any instance emits the body to the room on all of them.
import { createServer } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import IORedis from "ioredis";
import { Server } from "socket.io";
import { onPublishBody } from "./publish-body";

const pub = new IORedis(process.env.REDIS_URL!);
const sub = pub.duplicate();
let seq = 0;

const http = createServer((req, res) => {
  if (req.url === "/publish" && req.method === "POST") {
    onPublishBody(req, (body) => {
      io.to("all").emit("notification", { id: ++seq, data: body });
      res.writeHead(201, { "content-type": "application/json" }).end('{"ok":true}');
    });
    return;
  }
  // socket.io answers its own path; everything else is the health check.
  if (!req.url?.startsWith("/socket.io/")) res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
});
const io = new Server(http, { adapter: createAdapter(pub, sub), transports: ["websocket"], serveClient: false });
io.on("connection", (socket) => {
  void socket.join("all");
  // A first event, so the client knows it is in the room (the load generator times from there).
  socket.emit("connected", {});
});
http.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
