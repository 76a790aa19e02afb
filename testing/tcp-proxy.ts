// A TCP proxy in front of a test server that stands in for a platform which
// never reports a closed request: when the client leaves, the proxy keeps
// its side towards the server open (and reads what the server still sends),
// so the server's request signal never fires.
import { createServer, connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface HoldingProxy {
  url: string;
  /** Connections to the server that carried a request and are still open (the server ended the others). */
  openUpstreams(): number;
  close(): Promise<void>;
}

export async function startHoldingProxy(targetPort: number): Promise<HoldingProxy> {
  const upstreams = new Set<Socket>();
  const clients = new Set<Socket>();
  const server = createServer((client) => {
    clients.add(client);
    const upstream = connect(targetPort, "127.0.0.1");
    // A client may open a connection it sends nothing on (a pool's spare): only those carrying requests count.
    client.once("data", () => upstream.destroyed || upstreams.add(upstream));
    client.pipe(upstream, { end: false });
    upstream.on("data", (chunk) => {
      if (!client.destroyed) client.write(chunk);
    });
    upstream.on("close", () => {
      upstreams.delete(upstream);
      client.destroy();
    });
    upstream.on("error", () => {});
    client.on("error", () => {});
    client.on("close", () => clients.delete(client));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    openUpstreams: () => upstreams.size,
    close: async () => {
      for (const socket of [...upstreams, ...clients]) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface CuttableProxy {
  /** host:port to point a client at. */
  port: number;
  /** Drops every connection and refuses new ones (they are closed at once), as a network partition would. */
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

/** A TCP proxy between one instance and its Redis (or Upstash endpoint) that a test can cut off and heal. */
export async function startCuttableProxy(targetPort: number): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  let cut = false;
  const server = createServer((client) => {
    if (cut) return void client.destroy();
    const upstream = connect(targetPort, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      cut = true;
      for (const socket of sockets) socket.destroy();
    },
    heal() {
      cut = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface SilencingProxy {
  /** host:port to point a client at. */
  port: number;
  /**
   * The open connections whose client last sent `marker` (a subscriber's
   * CLIENT SETNAME; the request line of a long-lived HTTP request, on a
   * connection a pool may have used before) go silent: bytes are swallowed both
   * ways and neither side is told, as when a NAT gateway or load balancer
   * forgets an idle connection. New connections pass as before. Answers how
   * many went silent.
   */
  silence(marker: string): number;
  close(): Promise<void>;
}

/** A TCP proxy between one instance and its Redis (or Upstash endpoint) that can drop a connection without a FIN or an RST. */
export async function startSilencingProxy(targetPort: number): Promise<SilencingProxy> {
  const connections = new Set<{ client: Socket; upstream: Socket; lastSent: string; silent: boolean }>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    const connection = { client, upstream, lastSent: "", silent: false };
    connections.add(connection);
    client.on("data", (chunk: Buffer) => {
      connection.lastSent = (connection.lastSent + chunk.toString("latin1")).slice(-1024);
      if (!connection.silent) upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => connection.silent || client.write(chunk));
    for (const socket of [client, upstream]) socket.on("error", () => {});
    client.on("close", () => {
      connections.delete(connection);
      upstream.destroy();
    });
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    silence(marker) {
      let silenced = 0;
      for (const connection of connections) {
        if (connection.silent || !connection.lastSent.includes(marker)) continue;
        connection.silent = true;
        silenced++;
      }
      return silenced;
    },
    close: async () => {
      for (const { client, upstream } of connections) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
