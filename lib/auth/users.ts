// Who can sign in with a password, and which role each person has. A user id
// is derived from the email, so OAuth and password sign-ins of one person, and
// "send to this email" in the admin form, all name the same user.
import "server-only";
import { createHash } from "node:crypto";
import { config } from "../server/config";
import type { Role, SessionUser } from "../shared/types";
import { hashPassword, verifyPassword } from "./password";

interface Account {
  email: string;
  name: string;
  passwordHash: string;
}

const DEMO_ACCOUNTS = [
  { email: "admin@example.com", name: "Admin", role: "admin" as const },
  { email: "alice@example.com", name: "Alice", role: "member" as const },
  { email: "bob@example.com", name: "Bob", role: "member" as const },
];

/** `address`: an email in its one form (parseEmailAddress). */
export function userIdFor(address: string): string {
  return `u_${createHash("sha256").update(address).digest("hex").slice(0, 16)}`;
}

export function roleFor(address: string): Role {
  if (config().adminEmails.has(address)) return "admin";
  if (config().demoUsers && DEMO_ACCOUNTS.some((a) => a.email === address && a.role === "admin")) return "admin";
  return "member";
}

/** `admin`: the provider made this person an admin (an OIDC_ADMIN_GROUPS group), whatever ADMIN_EMAILS says. */
export function toSessionUser(address: string, name?: string | null, { admin = false }: { admin?: boolean } = {}): SessionUser {
  return { id: userIdFor(address), email: address, name: name || address.split("@")[0]!, role: admin ? "admin" : roleFor(address) };
}

const ACCOUNTS_KEY = Symbol.for("notifications.accounts");
type WithAccounts = typeof globalThis & { [ACCOUNTS_KEY]?: Promise<Map<string, Account>> };

/** Password accounts, hashed once per process; only the demo accounts when they are on. */
function accounts(): Promise<Map<string, Account>> {
  const g = globalThis as WithAccounts;
  return (g[ACCOUNTS_KEY] ??= (async () => {
    const map = new Map<string, Account>();
    if (!config().demoUsers) return map;
    for (const demo of DEMO_ACCOUNTS) {
      map.set(demo.email, { email: demo.email, name: demo.name, passwordHash: await hashPassword(config().demoPassword) });
    }
    return map;
  })());
}

export async function checkPassword(address: string, password: string): Promise<SessionUser | null> {
  const account = (await accounts()).get(address);
  // Hash anyway when the account is unknown, so timing does not reveal which emails exist.
  const ok = await verifyPassword(password, account?.passwordHash ?? "scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  return ok && account ? toSessionUser(account.email, account.name) : null;
}
