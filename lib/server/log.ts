// The server's log: JSON lines (pino) with the time, the level, the
// instance and, inside a request, its id (the proxy's X-Request-Id, else a
// new one), so an operator's log pipeline can filter and join them. Audit
// lines say who did what (publish, sign-in, sign-out, tokens, webhooks) and
// carry ids only: never a secret, a cookie, a token or a notification's
// text. Kept free of "server-only": instrumentation.ts logs through it too.
import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type Logger } from "pino";

const requests = new AsyncLocalStorage<{ requestId: string }>();

function createLog(): Logger {
  return pino({
    level: process.env.LOG_LEVEL || "info",
    base: { instance: process.env.INSTANCE_ID || `pid-${process.pid}` },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const request = requests.getStore();
      return request ? { requestId: request.requestId } : {};
    },
    // Belt and braces: what no line should ever hold, whoever logs it.
    redact: { paths: ["cookie", "authorization", "token", "password", "secret", "body", "*.cookie", "*.authorization", "*.token", "*.password", "*.body"], censor: "[redacted]" },
  });
}

const LOG_KEY = Symbol.for("notifications.log");
type WithLog = typeof globalThis & { [LOG_KEY]?: Logger };

export function log(): Logger {
  const g = globalThis as WithLog;
  return (g[LOG_KEY] ??= createLog());
}

/** Runs a request's handler with its id on every line it logs. */
export function withRequestId<T>(headers: { get(name: string): string | null }, run: () => Promise<T>): Promise<T> {
  const given = headers.get("x-request-id");
  const requestId = given && /^[\w.-]{1,128}$/.test(given) ? given : crypto.randomUUID();
  return requests.run({ requestId }, run);
}

/** An audit line: who did what, by ids. */
export function audit(action: "publish" | "sign-in" | "sign-out" | "token-created" | "token-revoked" | "token-used" | "webhook" | "acknowledge" | "push-subscribed" | "channel-created" | "channel-changed" | "channel-deleted", fields: Record<string, unknown>) {
  log().info({ audit: action, ...fields }, action);
}
