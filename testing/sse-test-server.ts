// A bare node:http SSE endpoint for the browser-side client's unit tests:
// each request is handed to the test's handler with its attempt number.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
export { until } from "./until";

export type SSEHandler = (req: IncomingMessage, res: ServerResponse, attempt: number) => void;

export interface SSETestServer {
  url: string;
  requests: IncomingMessage[];
  close(): void;
}

export async function serveSSE(handler: SSEHandler): Promise<SSETestServer> {
  let attempt = 0;
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    handler(req, res, attempt++);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    requests,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Answers 200 as an event stream, headers sent at once (the client counts as connected). */
export function sseHead(res: ServerResponse) {
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.flushHeaders();
}
