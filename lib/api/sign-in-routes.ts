// next-auth's routes, with what next-auth leaves to the app: a body limit
// (MAX_BODY_BYTES, before next-auth parses anything), and sign-out as a
// revocation. A sign-out revokes the session in the store (every instance
// then refuses its cookie and ends its streams) only once it is shown to come
// from our own pages (same origin, next-auth's CSRF token): a page elsewhere
// cannot sign anyone out. If the store cannot record it, the answer is 503
// and the person stays signed in, rather than a cleared cookie over a session
// that lives on. The action is next-auth's own reading of the path (decoded
// segments), so no spelling of "signout" clears a cookie without revoking.
import "server-only";
import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { assertSameOrigin, privateAnswer, readBodyLimited } from "./handler";
import { validCsrfToken } from "../auth/csrf";
import { authOptions } from "../auth/options";
import { revokeRequestSession } from "../auth/request";
import { errorResponse } from "../server/errors";
import { withRequestId } from "../server/log";

const nextAuth = NextAuth(authOptions);

type Context = { params: Promise<{ nextauth: string[] }> };

async function signInRoutePost(req: NextRequest, context: Context) {
  try {
    const body = await readBodyLimited(req);
    const forwarded = new NextRequest(req.url, { method: "POST", headers: req.headers, body: new Uint8Array(body) });
    const [action] = (await context.params).nextauth ?? [];
    if (action === "signout") {
      assertSameOrigin(req);
      // A wrong or missing token: next-auth refuses it, and nothing is revoked.
      if (validCsrfToken(req, new URLSearchParams(body.toString("utf8")).get("csrfToken"))) await revokeRequestSession(req);
    }
    return privateAnswer(await nextAuth(forwarded, context));
  } catch (error) {
    return privateAnswer(errorResponse(error));
  }
}

/** next-auth's GETs (the session, the providers, the CSRF token) answer who asks: no cache may keep them. */
async function signInRouteGet(req: NextRequest, context: Context) {
  return privateAnswer(await nextAuth(req, context));
}

/** GET and POST of /api/auth/*, each line they log with the request's id. */
export const signInRoutes = {
  GET: (req: NextRequest, context: Context) => withRequestId(req.headers, () => signInRouteGet(req, context)),
  POST: (req: NextRequest, context: Context) => withRequestId(req.headers, () => signInRoutePost(req, context)),
};
