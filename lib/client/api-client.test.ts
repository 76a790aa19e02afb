// The browser's API calls against a real node:http server: what a person is
// told when an answer is refused, cut off, or never comes.
import { afterEach, describe, expect, it } from "vitest";
import { serveSSE, type SSETestServer } from "@/testing/sse-test-server";
import { apiFetch, ApiClientError, NO_ANSWER, UNREACHABLE, UNREADABLE } from "./api-client";

const servers: SSETestServer[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function serve(handler: Parameters<typeof serveSSE>[0]) {
  const server = await serveSSE(handler);
  servers.push(server);
  return server.url;
}

const failure = (call: Promise<unknown>) => call.then(() => null, (error: unknown) => error as ApiClientError);

describe("apiFetch", () => {
  it("an answer cut off after its 200 is a failure, never a body of its own making taken as the answer", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"items": [');
      setImmediate(() => res.destroy());
    });
    const error = await failure(apiFetch(url));
    expect(error).toBeInstanceOf(ApiClientError);
    expect(error).toMatchObject({ status: 0, message: UNREACHABLE });
  });

  it("no answer within timeoutMs fails with its own sentence", async () => {
    const url = await serve(() => {}); // never answers
    expect(await failure(apiFetch(url, { timeoutMs: 50 }))).toMatchObject({ status: 0, message: NO_ANSWER });
  });

  it("an answer whose body stops coming within timeoutMs fails the same way", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"items": [');
    });
    expect(await failure(apiFetch(url, { timeoutMs: 100 }))).toMatchObject({ status: 0, message: NO_ANSWER });
  });

  it("a refusal keeps its status, with the server's sentence or, unreadable, the status in one", async () => {
    const worded = await serve((_req, res) => res.writeHead(409, { "content-type": "application/json" }).end(JSON.stringify({ error: "Taken already." })));
    expect(await failure(apiFetch(worded))).toMatchObject({ status: 409, message: "Taken already." });
    const bare = await serve((_req, res) => res.writeHead(502).end("<html>Bad gateway</html>"));
    expect(await failure(apiFetch(bare))).toMatchObject({ status: 502, message: "The server answered 502." });
  });

  it("a 200 that is no JSON (a proxy's own page) says it could not be read", async () => {
    const url = await serve((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>Welcome to nginx</html>"));
    expect(await failure(apiFetch(url))).toMatchObject({ status: 0, message: UNREADABLE });
  });

  it("a refused connection is unreachable", async () => {
    const url = await serve(() => {});
    servers.splice(0).forEach((s) => s.close());
    expect(await failure(apiFetch(url))).toMatchObject({ status: 0, message: UNREACHABLE });
  });
});
