// The tutorial shape: Express with an EventEmitter, each client writing `data:` itself.
import { EventEmitter } from "node:events";
import express from "express";

const bus = new EventEmitter().setMaxListeners(0);
const app = express();
app.use(express.text({ type: "*/*" }));
app.get("/events", (req, res) => {
  res.set({ "Content-Type": "text/event-stream", "Cache-Control": "no-cache, no-transform", Connection: "keep-alive" });
  res.flushHeaders();
  const onEvent = (data) => res.write(`event: notification\ndata: ${data}\n\n`);
  bus.on("notification", onEvent);
  req.on("close", () => bus.off("notification", onEvent));
});
app.post("/publish", (req, res) => {
  bus.emit("notification", req.body);
  res.status(201).json({ ok: true });
});
app.get("/", (_req, res) => res.json({ ok: true }));
app.listen(Number(process.env.PORT), "127.0.0.1");
