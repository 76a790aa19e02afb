// Which credentials were revoked lately, so a stream admitted just before a
// sign-out or a token's deletion reached this instance still ends.
import type { Credentials } from "../store/credentials/types";
import { credentialKey, type StreamCredential } from "./connection";

/** Longer than any request takes from its sign-in check to its stream starting. */
const REVOKED_MEMORY_MS = 5 * 60_000;

export class RecentRevocations {
  /** credentialKey → until when remembered. */
  private readonly until = new Map<string, number>();

  constructor(private readonly credentials: Pick<Credentials, "tokenExists" | "isSessionRevoked">) {}

  remember(key: string) {
    const now = Date.now();
    for (const [k, until] of this.until) if (until <= now) this.until.delete(k);
    this.until.set(key, now + REVOKED_MEMORY_MS);
  }

  /**
   * Whether what signed the stream in was revoked before the stream could
   * hear of it. Through a subscription that was already live, revocations
   * reached this hub, and those of the last minutes are remembered: no round
   * trip. A fresh subscription may have missed one: the store is asked.
   */
  async wasRevoked(credential: StreamCredential, subscriptionWasLive: boolean) {
    if (subscriptionWasLive) return this.until.has(credentialKey(credential));
    return credential.kind === "token"
      ? !(await this.credentials.tokenExists(credential.tokenId))
      : this.credentials.isSessionRevoked(credential.sessionId);
  }
}
