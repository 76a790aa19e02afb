// What the bench-only servers share for POST /publish: the body, read whole, as text.
import type { IncomingMessage } from "node:http";

export function onPublishBody(req: IncomingMessage, handle: (body: string) => void) {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (chunk: string) => (body += chunk));
  req.on("end", () => handle(body));
}
