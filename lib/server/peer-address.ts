// Who is on the other end of a request, for per-address limits. Behind n
// proxies you run (TRUST_PROXY=n: 1 for Vercel, nginx or a load balancer),
// the X-Forwarded-For entry n places from the right: each proxy appends the
// address it was connected from, so that entry was written by the first of
// yours, and every entry left of it by the client (never trusted);
// otherwise the socket's address. Next copies a client's
// own X-Forwarded-For through untouched when one is sent, and a route handler
// never sees the socket, so `next start` stamps the socket's address on every
// request (stampPeerAddress, installed by instrumentation.ts), overwriting
// whatever a client sent under that name. Kept free of "server-only".
import { Server } from "node:http";

export const PEER_ADDRESS_HEADER = "x-ntf-peer-address";

export function stampPeerAddress() {
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (this: Server, event: string, ...args: unknown[]) {
    if (event === "request") {
      const req = args[0] as import("node:http").IncomingMessage;
      req.headers[PEER_ADDRESS_HEADER] = req.socket.remoteAddress ?? "unknown";
    }
    return (emit as (this: Server, event: string, ...rest: unknown[]) => boolean).call(this, event, ...args);
  } as typeof emit;
}

type Headers = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

/** `trustedProxies`: how many proxies you run in front of the app (TRUST_PROXY). */
export function clientAddress(headers: Headers, trustedProxies: number): string {
  const read = (name: string) => {
    const value = "get" in headers && typeof headers.get === "function" ? headers.get(name) : (headers as Record<string, string | string[] | undefined>)[name];
    return Array.isArray(value) ? value[0] : (value ?? null);
  };
  if (trustedProxies > 0) {
    // One header or several (a proxy may add a line instead of appending): in order, joined.
    const forwarded = (read("x-forwarded-for") ?? "").split(",").map((entry) => entry.trim());
    const entry = forwarded.length >= trustedProxies ? forwarded[forwarded.length - trustedProxies] : undefined;
    if (entry) return entry;
  }
  return read(PEER_ADDRESS_HEADER) ?? "unknown";
}
