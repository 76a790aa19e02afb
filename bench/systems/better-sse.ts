// The better-sse peer: its sessions and one channel per audience (here the
// one every stream joins) on a bare node:http server, as its documentation
// builds a notification feed. POST /publish broadcasts the body.
import { createServer } from "node:http";
import { createChannel, createSession } from "better-sse";
import { onPublishBody } from "./publish-body";

const everyone = createChannel();
let seq = 0;

const server = createServer(async (req, res) => {
  if (req.url === "/events") {
    // Data is written as given: the bodies are JSON already (the default serializer would encode them again).
    const session = await createSession(req, res, { retry: 3000, keepAlive: 15_000, serializer: (data) => String(data) });
    everyone.register(session);
    // A first event, so the client knows it is registered (the load generator times from there).
    session.push("{}", "connected");
    return;
  }
  if (req.url === "/publish" && req.method === "POST") {
    onPublishBody(req, (body) => {
      everyone.broadcast(body, "notification", { eventId: String(++seq) });
      res.writeHead(201, { "content-type": "application/json" }).end('{"ok":true}');
    });
    return;
  }
  res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
});
server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
