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

function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}
