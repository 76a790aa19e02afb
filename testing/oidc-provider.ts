// A real OpenID provider for the tests (panva's oidc-provider, the certified
// implementation), on a free port: its own sign-in and consent pages, ID
// tokens signed with a key the test holds, so a test can also hand the app a
// token re-signed for another audience.
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import type { Server } from "node:http";
import { freePort } from "./ports";

export interface OidcAccount {
  email: string;
  email_verified: boolean;
  name?: string;
  groups?: string[];
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** From now on, every ID token the token endpoint answers passes through this (null: untouched). */
  tamper(change: ((claims: Record<string, unknown>) => Record<string, unknown>) | null): void;
  stop(): Promise<void>;
}

/** `accounts`: by the login name typed on the provider's sign-in page (any password). */
export async function startOidcProvider(redirectUri: string, accounts: Record<string, OidcAccount>): Promise<TestOidcProvider> {
  const { default: Provider } = await import("oidc-provider");
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: "test-key", alg: "RS256", use: "sig" };
  const [clientId, clientSecret] = ["notifications-app", "notifications-app-secret-0123456789"];
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ["authorization_code"], response_types: ["code"] }],
    jwks: { keys: [jwk as never] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    // The claims in the ID token itself: next-auth reads only the ID token.
    conformIdTokenClaims: false,
    findAccount: async (_ctx: unknown, sub: string) => (accounts[sub] ? { accountId: sub, claims: async () => ({ sub, ...accounts[sub] }) } : undefined),
    cookies: { keys: ["test-cookie-key-0123456789"] },
  });
  let change: ((claims: Record<string, unknown>) => Record<string, unknown>) | null = null;
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (change && ctx.method === "POST" && ctx.path === "/token" && body?.id_token) ctx.body = { ...body, id_token: resign(body.id_token, change, createPrivateKey(privateKey.export({ format: "pem", type: "pkcs8" })) ) };
  });
  const server: Server = await new Promise((resolve) => {
    const listening = provider.listen(port, "127.0.0.1", () => resolve(listening));
  });
  return {
    issuer,
    clientId,
    clientSecret,
    tamper: (next) => void (change = next),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The token with its claims changed and a valid signature by the provider's own key. */
function resign(token: string, change: (claims: Record<string, unknown>) => Record<string, unknown>, key: KeyObject): string {
  const [header, payload] = token.split(".");
  const claims = change(JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")));
  const signed = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return `${signed}.${sign("sha256", Buffer.from(signed), key).toString("base64url")}`;
}
