// The one wrapper every API route goes through, so each route reads as:
// authenticate, validate, act, respond. It refuses cross-site writes, tokens
// whose scope does not reach the route, requests past the person's budget,
// bodies over MAX_BODY_BYTES (before parsing), bad JSON and invalid fields,
// maps every error to the JSON shape of docs/api.md, and marks every answer
// as one no cache may keep (it depends on who asks).
import "server-only";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { authenticate, type Authenticated } from "../auth/request";
import { scopeAllows } from "../auth/tokens";
import type { SessionUser, TokenScope } from "../shared/types";
import { config } from "../server/config";
import { metrics, routeLabel } from "../server/metrics";
import { publicOrigin } from "../server/public-origin";
import { transportSecurityHeader } from "../server/transport-security";
import { ApiError, errorResponse, forbidden, tooMany, unauthorized } from "../server/errors";
import { getStores } from "../store";
import { fieldErrors } from "../shared/schemas";
import { withRequestId } from "../server/log";

interface HandlerContext<Body> {
  req: NextRequest;
  user: SessionUser;
  /** How the request authenticated; a token's id comes with it. */
  auth: Authenticated;
  body: Body;
  params: Record<string, string>;
}

interface HandlerOptions<Schema extends z.ZodType | undefined> {
  role?: "admin";
  /** Only a signed-in person (a session), never an API token: managing tokens, so a leaked token cannot mint others. */
  sessionOnly?: boolean;
  /** Only an API token (a service: the webhooks), and this sentence when it is missing. */
  tokenOnly?: string;
  body?: Schema;
  /** A larger body than MAX_BODY_BYTES (a webhook's payload). */
  maxBodyBytes?: number;
  /** The route asks whether the session was signed out itself, in a round trip it makes anyway (the stream's admission). */
  signOutCheckedByRoute?: boolean;
  /** The token scope the route needs (an `admin` token reaches every route): `admin` unless said. */
  tokenScope?: TokenScope;
  /**
   * The route takes from a budget of its own (publish, history, read marks, acknowledgements, stream
   * connections); every other one takes from the person's RATE_REQUESTS_PER_MIN, over every instance.
   */
  ownBudget?: true;
  /** Off in this deployment: 404 to everyone, whatever they send, as if the route did not exist. */
  off?: () => ApiError | null;
}

type RouteContext = { params: Promise<Record<string, string>> };

export function apiHandler<Schema extends z.ZodType | undefined = undefined>(
  options: HandlerOptions<Schema>,
  handler: (ctx: HandlerContext<Schema extends z.ZodType ? z.infer<Schema> : undefined>) => Promise<Response>,
) {
  return (req: NextRequest, route: RouteContext): Promise<Response> => withRequestId(req.headers, async () => {
    try {
      const off = options.off?.();
      if (off) throw off;
      const auth = await authenticate(req, { signOutCheckedByCaller: options.signOutCheckedByRoute });
      if (options.tokenOnly && auth?.via !== "token") throw new ApiError(401, options.tokenOnly);
      if (!auth) throw unauthorized();
      if (options.sessionOnly && auth.via !== "session") throw new ApiError(403, "Sign in to do this; an API token cannot.");
      const scope = options.tokenScope ?? "admin";
      if (auth.via === "token" && !scopeAllows(auth.scope, scope)) {
        throw new ApiError(403, `This token's scope is "${auth.scope}": this needs a "${scope}" token (or an "admin" one).`);
      }
      if (auth.via === "session" && isUnsafe(req.method)) assertSameOrigin(req);
      if (options.role === "admin" && auth.user.role !== "admin") throw forbidden("do this; it needs the admin role");
      if (!options.ownBudget) await takeRequestBudget(auth.user);
      const body = options.body ? parseBody(options.body, await readJson(req, options.maxBodyBytes)) : undefined;
      const params = (await route?.params) ?? {};
      return privateAnswer(await handler({ req, user: auth.user, auth, body: body as never, params }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 429) metrics().rateLimited.inc({ route: routeLabel(req.nextUrl.pathname) });
      return privateAnswer(errorResponse(error));
    }
  });
}

/**
 * What depends on who asks is kept by no cache, shared or not (a stream sets its own no-cache); HSTS
 * when the app is served over https. Copied when the answer's headers are not ours to change.
 */
export function privateAnswer(answer: Response): Response {
  const response = new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: new Headers(answer.headers) });
  if (!response.headers.has("cache-control")) response.headers.set("Cache-Control", "private, no-store");
  const hsts = transportSecurityHeader();
  if (hsts) response.headers.set("Strict-Transport-Security", hsts);
  return response;
}

async function takeRequestBudget(user: SessionUser) {
  const limit = await getStores().limits.rateLimit(`requests:${user.id}`, config().rateRequestsPerMin, 60);
  if (!limit.ok) throw tooMany(limit.retryAfterS, "requests");
}

/** A route's query string, validated: a 400 names the first field at fault. */
export function parseQuery<Schema extends z.ZodType>(schema: Schema, req: NextRequest): z.infer<Schema> {
  const query = schema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (query.success) return query.data;
  const fields = fieldErrors(query.error);
  const [field, message] = Object.entries(fields)[0]!;
  throw new ApiError(400, message, { field, fields });
}

/** The browser says another site's page sent it (Sec-Fetch-Site; scripts send none). */
export function fromAnotherSite(req: NextRequest) {
  const site = req.headers.get("sec-fetch-site");
  return site !== null && site !== "same-origin" && site !== "none";
}

function isUnsafe(method: string) {
  return !["GET", "HEAD", "OPTIONS"].includes(method);
}

/**
 * Cookie-authenticated writes must come from our own pages. Browsers send
 * Sec-Fetch-Site (and Origin) on every cross-site POST; Bearer requests carry
 * no ambient credentials and are exempt. Our pages' origin is the app's
 * public one, NEXTAUTH_URL, when set: behind a reverse proxy the request's
 * own Host is whatever the proxy chose to send. Without it, the request's
 * Host (or X-Forwarded-Host). A refusal names what it saw and what to set.
 */
export function assertSameOrigin(req: NextRequest) {
  if (fromAnotherSite(req)) throw new ApiError(403, `Cross-site requests are not allowed: the browser says this request came from another site's page (Sec-Fetch-Site: ${req.headers.get("sec-fetch-site")}).`);
  const origin = req.headers.get("origin");
  if (origin === null) return;
  const seen = urlOrNull(origin);
  const expected = publicOrigin();
  if (expected) {
    if (seen?.origin === expected) return;
    throw new ApiError(403, `This request came from ${origin}, not from this app's origin ${expected} (NEXTAUTH_URL). If people open the app at ${origin}, set NEXTAUTH_URL to it.`);
  }
  // Without a public URL, the host the request names (the scheme a TLS-terminating proxy hides).
  const forwarded = req.headers.get("x-forwarded-host");
  const host = forwarded ?? req.headers.get("host");
  if (seen !== null && seen.host === host) return;
  throw new ApiError(
    403,
    `This request came from ${origin}, but ${forwarded ? "X-Forwarded-Host" : "the Host header"} says ${host ?? "nothing"}. Behind a reverse proxy, set NEXTAUTH_URL to the URL people open (docs/self-hosting.md).`,
  );
}

function urlOrNull(text: string): URL | null {
  try {
    return text === "null" ? null : new URL(text);
  } catch {
    return null;
  }
}

/**
 * The body, at most MAX_BODY_BYTES of it: 413 as soon as it is larger,
 * declared or sent, before anything is parsed (next-auth's routes use it too).
 */
export async function readBodyLimited(req: Request, max = config().maxBodyBytes): Promise<Buffer> {
  const tooLarge = () => new ApiError(413, `The request body is larger than ${max} bytes.`);
  if (Number(req.headers.get("content-length")) > max) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks);
}

/** Reads at most MAX_BODY_BYTES, then parses; 413 before any parsing when larger. */
export async function readJson(req: NextRequest, maxBytes?: number): Promise<unknown> {
  // The media type, parsed: "text/plain; application/json" is text, whatever it mentions.
  const mediaType = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "application/json") throw new ApiError(415, "Send the body as application/json.");
  const text = (await readBodyLimited(req, maxBytes)).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "The request body is not valid JSON.");
  }
}

export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = fieldErrors(parsed.error);
  const [field, message] = Object.entries(fields)[0] ?? ["body", "Invalid request."];
  throw new ApiError(400, message, { field, fields });
}
