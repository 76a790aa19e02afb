// When the hub's bus subscription comes back after a break: sign-outs,
// revoked tokens, follows and read state sent meanwhile never arrived, and
// the log holds only notifications. So before the log's notifications of the
// break go out, each open stream's sign-in is checked again (revoked ones
// end), each user's follows are read again (so a channel followed in the
// break delivers what was sent to it), and every live stream gets `reset`
// (its client refetches its page and counts). If the store cannot answer
// yet, the hub lets the break's notifications go and tries again shortly:
// ending every stream instead would send every client into admissions
// against a store that is still coming back.
import type { Directory } from "../store/directory/types";
import type { Connection, CredentialRef, StreamCredential } from "./connection";
import { RESET } from "./replay";
import type { RecentRevocations } from "./revocations";
import { log } from "../server/log";

export interface BreakCatchUpHost {
  connections(): Iterable<Connection>;
  users(): string[];
  updateFollowing(userId: string, following: string[]): void;
  /** Ends the streams this credential opened (and, for a session, stops trusting its cookie). */
  revoked(credential: CredentialRef): void;
}

/** True once done; false when the store did not answer (try again). */
export async function catchUpAfterBreak(host: BreakCatchUpHost, directory: Pick<Directory, "getFollowing">, revocations: RecentRevocations) {
  try {
    const users = host.users();
    const follows = await Promise.all(users.map((userId) => directory.getFollowing(userId)));
    users.forEach((userId, i) => host.updateFollowing(userId, follows[i]!));
    const credentials = new Map<string, StreamCredential>();
    for (const connection of host.connections()) if (connection.credential) credentials.set(connection.credentialKey!, connection.credential);
    const checked = await Promise.all([...credentials.values()].map(async (credential) => ({ credential, revoked: await revocations.wasRevoked(credential, false) })));
    for (const { credential, revoked } of checked) if (revoked) host.revoked(credential);
    for (const connection of host.connections()) if (!connection.replaying) connection.send(RESET);
    return true;
  } catch (error) {
    log().error({ component: "hub" }, `catching up after a bus break failed (${(error as Error).message}); trying again shortly`);
    return false;
  }
}
