// The Redis-backed credentials: a hash of tokens (and one from hash to id),
// a key per signed-out session expiring with its cookie.
import { hashOf, type RedisConnection } from "../redis/connection";
import { KEY } from "../redis/keys";
import type { Credentials, TokenRecord } from "./types";

export class RedisCredentials implements Credentials {
  constructor(private readonly redis: RedisConnection) {}

  async createToken(record: TokenRecord) {
    await this.redis.run((b) => b.hset(KEY.tokens, { [record.id]: JSON.stringify(record) }).hset(KEY.tokenByHash, { [record.hash]: record.id }), true);
  }

  async listTokens(userId: string) {
    const all = hashOf(await this.redis.one((b) => b.hgetall(KEY.tokens)));
    return Object.values(all)
      .map((v) => JSON.parse(String(v)) as TokenRecord)
      .filter((t) => t.userId === userId);
  }

  async deleteToken(userId: string, tokenId: string) {
    const token = await this.token(tokenId);
    if (!token || token.userId !== userId) return false;
    await this.redis.run((b) => b.hdel(KEY.tokens, [tokenId]).hdel(KEY.tokenByHash, [token.hash]), true);
    await this.redis.sendControl({ type: "token-revoked", tokenId });
    return true;
  }

  async findTokenByHash(hash: string) {
    const id = await this.redis.one<string | null>((b) => b.hget(KEY.tokenByHash, hash));
    return id ? this.token(id) : null;
  }

  async tokenExists(tokenId: string) {
    return (await this.token(tokenId)) !== null;
  }

  async touchToken(tokenId: string, at: string) {
    const token = await this.token(tokenId);
    if (token) await this.redis.run((b) => b.hset(KEY.tokens, { [tokenId]: JSON.stringify({ ...token, lastUsedAt: at }) }));
  }

  async revokeSession(sessionId: string, untilMs: number) {
    const ttlMs = Math.max(1, Math.ceil(untilMs - Date.now()));
    await this.redis.run(
      (b) => b.set(KEY.revokedSession(sessionId), "1", ttlMs).publish(KEY.bus, JSON.stringify({ type: "session-revoked", sessionId })),
      true,
    );
  }

  async isSessionRevoked(sessionId: string) {
    return (await this.redis.one<string | null>((b) => b.get(KEY.revokedSession(sessionId)))) !== null;
  }

  async keepSignInLink(hash: string, email: string, ttlMs: number) {
    await this.redis.run((b) => b.set(KEY.signInLink(hash), email, ttlMs));
  }

  async takeSignInLink(hash: string) {
    // GET and DEL in one transaction: of two instances taking the same link, one gets it.
    const [email] = await this.redis.run((b) => b.get(KEY.signInLink(hash)).del(KEY.signInLink(hash)), true);
    return typeof email === "string" ? email : null;
  }

  private async token(id: string): Promise<TokenRecord | null> {
    const raw = await this.redis.one<string | null>((b) => b.hget(KEY.tokens, id));
    return raw ? (JSON.parse(raw) as TokenRecord) : null;
  }
}
