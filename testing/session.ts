// Signs in through next-auth's own credentials flow (csrf, then callback) and
// returns the cookie header, as a script or service would.
export async function signInCookie(baseUrl: string, email: string, password = "demo"): Promise<string> {
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const csrfCookie = cookiesOf(csrfRes);
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const cookie = cookiesOf(res);
  if (!cookie.includes("session-token")) throw new Error(`sign-in failed for ${email} (${res.status})`);
  return `${csrfCookie}; ${cookie}`;
}

/**
 * One sign-in attempt as the sign-in form makes it, with `headers` added (an X-Forwarded-For, say): whether
 * it signed in, where next-auth sends the person, and the `error` the sign-in page would show.
 */
export async function signInAttempt(baseUrl: string, email: string, password: string, headers: Record<string, string> = {}) {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiesOf(csrf), ...headers },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const { url } = (await res.json()) as { url: string };
  return { ok: res.headers.getSetCookie().some((c) => c.includes("session-token=")), url: decodeURIComponent(url), error: new URL(url).searchParams.get("error") };
}

function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

/**
 * Signs out through next-auth's flow (csrf, then POST) and answers the
 * response; `path`, `origin` and `csrfToken` let a test try what a hostile
 * page or a path variant would send.
 */
export async function signOut(
  baseUrl: string,
  cookie: string,
  { path = "/api/auth/signout", origin = baseUrl, csrfToken }: { path?: string; origin?: string; csrfToken?: string } = {},
): Promise<Response> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`, { headers: { cookie } });
  const { csrfToken: token } = (await csrf.json()) as { csrfToken: string };
  const issued = cookiesOf(csrf);
  return fetch(`${baseUrl}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: issued ? `${cookie}; ${issued}` : cookie, origin, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken: csrfToken ?? token, json: "true" }),
  });
}
