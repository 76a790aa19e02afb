// The embedded credentials: tokens and signed-out sessions in maps.
import type { MemoryBus } from "../bus/memory";
import type { Credentials, TokenRecord } from "./types";

export class MemoryCredentials implements Credentials {
  private readonly tokens = new Map<string, TokenRecord>();
  /** Token hash → id: every API request looks a token up by its hash. */
  private readonly idByHash = new Map<string, string>();
  /** Signed-out session ids and until when they stay refused (their cookies' expiry). */
  private readonly revokedSessions = new Map<string, number>();
  private readonly signInLinks = new Map<string, { email: string; untilMs: number }>();

  constructor(private readonly bus: MemoryBus) {}

  async createToken(record: TokenRecord) {
    this.tokens.set(record.id, { ...record });
    this.idByHash.set(record.hash, record.id);
  }

  async listTokens(userId: string) {
    return [...this.tokens.values()].filter((t) => t.userId === userId).map((t) => ({ ...t }));
  }

  async deleteToken(userId: string, tokenId: string) {
    const token = this.tokens.get(tokenId);
    if (!token || token.userId !== userId) return false;
    this.tokens.delete(tokenId);
    this.idByHash.delete(token.hash);
    this.bus.send({ type: "token-revoked", tokenId });
    return true;
  }

  async findTokenByHash(hash: string) {
    const token = this.tokens.get(this.idByHash.get(hash) ?? "");
    return token ? { ...token } : null;
  }

  async tokenExists(tokenId: string) {
    return this.tokens.has(tokenId);
  }

  async touchToken(tokenId: string, at: string) {
    const token = this.tokens.get(tokenId);
    if (token) token.lastUsedAt = at;
  }

  async revokeSession(sessionId: string, untilMs: number) {
    const now = Date.now();
    for (const [id, until] of this.revokedSessions) if (until <= now) this.revokedSessions.delete(id);
    this.revokedSessions.set(sessionId, untilMs);
    this.bus.send({ type: "session-revoked", sessionId });
  }

  async isSessionRevoked(sessionId: string) {
    const until = this.revokedSessions.get(sessionId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.revokedSessions.delete(sessionId);
    return false;
  }

  async keepSignInLink(hash: string, email: string, ttlMs: number) {
    const now = Date.now();
    for (const [key, link] of this.signInLinks) if (link.untilMs <= now) this.signInLinks.delete(key);
    this.signInLinks.set(hash, { email, untilMs: now + ttlMs });
  }

  async takeSignInLink(hash: string) {
    const link = this.signInLinks.get(hash);
    this.signInLinks.delete(hash);
    return link && link.untilMs > Date.now() ? link.email : null;
  }
}
