// Email sign-in links, for teams without an identity provider: a link that
// works once, within LINK_TTL_MS, kept (by its hash) in the store so any
// instance can take it. Written here rather than with next-auth's email
// provider, which needs a database adapter (users, accounts, verification
// tokens) that this product's store does not keep; the link's token signs in
// through a Credentials provider (options.ts) instead, and the person stays a
// verified address like every other sign-in. The link opens a page with a
// button (app/signin/email): a mail scanner that fetches links does not use
// it up.
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { config } from "../server/config";
import { sendMail } from "../server/mail";
import { publicOrigin } from "../server/public-origin";
import { tooMany } from "../server/errors";
import { getStores } from "../store";
import { maySignIn } from "./allow";

export const LINK_TTL_MS = 10 * 60_000;
/** What the form says, whether the address may sign in or not. */
export const SIGN_IN_LINK_SENT = "If this address may sign in here, a sign-in link is on its way. It works once, within 10 minutes.";
/** Links asked for one address, and from one client address, per LINK_WINDOW_S. */
const LINKS_PER_ADDRESS = 3;
const LINKS_PER_CLIENT = 20;
const LINK_WINDOW_S = 600;

const hashOf = (token: string) => createHash("sha256").update(token).digest("base64url");

/**
 * Sends a link when the address may sign in; says nothing either way (the
 * caller answers the same sentence), so the form does not tell a stranger
 * who may sign in. Both limits count before the allow rules for the same
 * reason.
 */
export async function sendSignInLink(address: string, clientAddress: string, callbackPath: string): Promise<void> {
  if (!config().emailSignIn) return;
  const limits = getStores().limits;
  const [perAddress, perClient] = await Promise.all([
    limits.rateLimit(`email-link:${address}`, LINKS_PER_ADDRESS, LINK_WINDOW_S),
    limits.rateLimit(`email-link-client:${clientAddress}`, LINKS_PER_CLIENT, LINK_WINDOW_S),
  ]);
  const refused = [perAddress, perClient].find((r) => !r.ok);
  if (refused) throw tooMany(refused.retryAfterS, "sign-in links asked for");
  if (!maySignIn(address)) return;
  const token = randomBytes(32).toString("base64url");
  await getStores().credentials.keepSignInLink(hashOf(token), address, LINK_TTL_MS);
  const origin = publicOrigin();
  if (!origin) throw new Error("NEXTAUTH_URL is not set: email sign-in links need the deployment's public URL.");
  const url = new URL("/signin/email", origin);
  url.searchParams.set("token", token);
  url.searchParams.set("callbackUrl", callbackPath);
  await sendMail({
    to: address,
    subject: "Your sign-in link",
    text: `Sign in to Live notifications:\n\n${url}\n\nThe link works once, within ${LINK_TTL_MS / 60_000} minutes. If you did not ask for it, ignore this email.\n`,
  });
}

/** The address a link was sent to, the first time it is used within its time; else null. */
export async function takeSignInLink(token: string): Promise<string | null> {
  if (!/^[\w-]{43}$/.test(token)) return null;
  return getStores().credentials.takeSignInLink(hashOf(token));
}
