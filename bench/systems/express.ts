// System 3, the tutorial shape: Express 5 with an EventEmitter, each client's listener writing `data:` itself.
import { EventEmitter } from "node:events";
import express from "express";

const bus = new EventEmitter().setMaxListeners(0);
let seq = 0;
const app = express();
app.use(express.text({ type: "*/*" }));

app.get("/events", (req, res) => {
  res.set({ "Content-Type": "text/event-stream", "Cache-Control": "no-cache, no-transform", Connection: "keep-alive" });
  res.flushHeaders();
  res.write("retry: 3000\n\n");
  const onEvent = (id: number, data: string) => res.write(`event: notification\nid: ${id}\ndata: ${data}\n\n`);
  bus.on("notification", onEvent);
  req.on("close", () => bus.off("notification", onEvent));
});

app.post("/publish", (req, res) => {
  bus.emit("notification", ++seq, String(req.body));
  res.status(201).json({ ok: true });
});

app.get("/", (_req, res) => {
  res.json({ ok: true });
});

app.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
