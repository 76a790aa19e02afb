// API tokens for scripts and services: random, shown once, stored as a
// SHA-256 hash (a token is already high-entropy, so a slow hash adds nothing).
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { ApiError, notFound } from "../server/errors";
import { getStores } from "../store";
import type { TokenRecord } from "../store/credentials/types";
import { TOKEN_SCOPES, type ApiToken, type CreatedApiToken, type SessionUser, type TokenScope } from "../shared/types";
import { toSessionUser } from "./users";
import { audit } from "../server/log";

const PREFIX = "ntf_";
/** Per person: each token is a credential to keep track of (and used to be a publish budget of its own). */
export const MAX_TOKENS_PER_PERSON = 25;
/** lastUsedAt is written at most this often per token, not on every request. */
const TOUCH_EVERY_MS = 60_000;

function hashToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}

function toApiToken(record: TokenRecord): ApiToken {
  return { id: record.id, name: record.label, scope: record.scope ?? "admin", createdAt: record.createdAt, lastUsedAt: record.lastUsedAt };
}

/** What each scope lets a token reach besides itself: `admin` everything, `publish` the webhooks too. */
const SCOPES_COVERED: Record<TokenScope, readonly TokenScope[]> = { admin: TOKEN_SCOPES, publish: ["publish", "hooks"], hooks: ["hooks"], read: ["read"] };

/** Whether a token of `scope` may call a route that needs `needed`. */
export function scopeAllows(scope: TokenScope, needed: TokenScope): boolean {
  return SCOPES_COVERED[scope].includes(needed);
}

export async function listApiTokens(user: SessionUser): Promise<ApiToken[]> {
  return (await getStores().credentials.listTokens(user.id)).map(toApiToken);
}

/** Revokes one of the person's tokens (404 for any other id); the streams it opened end on every instance (the store tells them on the bus). */
export async function revokeApiToken(user: SessionUser, tokenId: string) {
  if (!(await getStores().credentials.deleteToken(user.id, tokenId))) throw notFound("That token");
  audit("token-revoked", { user: user.id, tokenId });
}

export async function createApiToken(user: SessionUser, label: string, scope: TokenScope): Promise<CreatedApiToken> {
  if ((await getStores().credentials.listTokens(user.id)).length >= MAX_TOKENS_PER_PERSON) {
    throw new ApiError(409, `You have ${MAX_TOKENS_PER_PERSON} API tokens, the most a person may hold: revoke one first.`, { field: "name" });
  }
  const token = PREFIX + randomBytes(32).toString("base64url");
  const record: TokenRecord = {
    id: `t_${randomBytes(8).toString("hex")}`,
    userId: user.id,
    email: user.email,
    name: user.name,
    label,
    scope,
    hash: hashToken(token),
    createdAt: new Date().toISOString(),
    lastUsedAt: null,
  };
  await getStores().credentials.createToken(record);
  audit("token-created", { user: user.id, tokenId: record.id, scope });
  return { ...toApiToken(record), token };
}

/** The token's owner and the token's id, or null for an unknown or revoked token. */
export async function userForToken(token: string): Promise<{ user: SessionUser; tokenId: string; tokenName: string; scope: TokenScope } | null> {
  if (!token.startsWith(PREFIX) || token.length > 200) return null;
  const store = getStores();
  const record = await store.credentials.findTokenByHash(hashToken(token));
  if (!record) return null;
  const now = Date.now();
  if (!record.lastUsedAt || now - Date.parse(record.lastUsedAt) > TOUCH_EVERY_MS) {
    await store.credentials.touchToken(record.id, new Date(now).toISOString());
  }
  audit("token-used", { user: record.userId, tokenId: record.id });
  // The owner's role now, not at creation: an admin removed from ADMIN_EMAILS loses it for their tokens too.
  return { user: toSessionUser(record.email, record.name), tokenId: record.id, tokenName: record.label, scope: record.scope ?? "admin" };
}
