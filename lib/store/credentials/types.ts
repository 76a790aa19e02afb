// API tokens, signed-out sessions and email sign-in links: what may still act
// for a person.
import type { TokenScope } from "../../shared/types";

/** A token acts as its owner with the owner's current role, derived from the email on every use. */
export interface TokenRecord {
  id: string;
  userId: string;
  email: string;
  name: string;
  label: string;
  /** Absent on tokens made before scopes: they act as `admin`, as they always did. */
  scope?: TokenScope;
  hash: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface Credentials {
  createToken(record: TokenRecord): Promise<void>;
  listTokens(userId: string): Promise<TokenRecord[]>;
  /** Deletes the user's token and tells every instance (a `token-revoked` bus message); false when not theirs. */
  deleteToken(userId: string, tokenId: string): Promise<boolean>;
  findTokenByHash(hash: string): Promise<TokenRecord | null>;
  /** Whether the token still exists (not revoked). */
  tokenExists(tokenId: string): Promise<boolean>;
  touchToken(tokenId: string, at: string): Promise<void>;
  /**
   * Records a signed-out session until `untilMs` (its JWT's expiry, after
   * which the cookie is refused anyway) and tells every instance (a
   * `session-revoked` bus message).
   */
  revokeSession(sessionId: string, untilMs: number): Promise<void>;
  isSessionRevoked(sessionId: string): Promise<boolean>;
  /** Keeps an email sign-in link (by its hash) for `ttlMs`: any instance can take it. */
  keepSignInLink(hash: string, email: string, ttlMs: number): Promise<void>;
  /** The link's email, once: the first take of a kept, unexpired link gets it, every later one null. */
  takeSignInLink(hash: string): Promise<string | null>;
}
