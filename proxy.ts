// Runs before every page, and before the API only for a path holding a
// percent sign (its hot paths, streams and publishes, pay nothing): a path
// that is not valid percent-encoding gets a JSON 400 (Next would answer a
// plain-text 500 while decoding it); every page gets a fresh CSP nonce, so the only
// inline scripts that run are the ones Next itself renders with it (also on
// prefetches, and on the 404 of any path that merely starts with "api");
// HSTS when the app is served over https (lib/server/transport-security.ts).
import { NextResponse, type NextRequest } from "next/server";
import { transportSecurityHeader } from "./lib/server/transport-security";

export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (!isDecodable(pathname)) {
    return NextResponse.json({ error: "This path is not valid percent-encoding." }, { status: 400, headers: { "Cache-Control": "no-store" } });
  }
  // The API's answers carry their own headers (lib/api/handler.ts).
  if (pathname === "/api" || pathname.startsWith("/api/")) return NextResponse.next();
  const nonce = btoa(crypto.randomUUID());
  const dev = process.env.NODE_ENV === "development";
  const csp = [
    "default-src 'self'",
    // 'strict-dynamic' lets the nonced bootstrap load Next's chunks; React's dev build needs eval.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Inline style attributes (React's style={{}}) cannot carry a nonce.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "font-src 'self'",
    "connect-src 'self'",
    // The service worker that shows Web Push notifications (public/sw.js): 'strict-dynamic' alone would refuse it.
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  const hsts = transportSecurityHeader();
  if (hsts) response.headers.set("Strict-Transport-Security", hsts);
  return response;
}

function isDecodable(pathname: string) {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

export const config = {
  matcher: [
    // Every page (prefetches too, and any path that merely starts with "api"), but Next's own static files and the icons.
    "/((?!api(?:/|$)|_next/static|_next/image|favicon.ico|icon.svg).*)",
    // An API path with a percent sign: the only ones that can be malformed.
    "/api/:rest(.*%.*)",
  ],
};
