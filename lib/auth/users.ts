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

/** The one form of an email used for lookups, ids, roles and the sign-in limit's key. */
export function normalizeEmail(email: string) {
  return email.normalize("NFC").trim().toLowerCase();
}

export function userIdFor(email: string): string {
  return `u_${createHash("sha256").update(normalizeEmail(email)).digest("hex").slice(0, 16)}`;
}

export function roleFor(email: string): Role {
  const normalized = normalizeEmail(email);
  if (config().adminEmails.has(normalized)) return "admin";
  if (config().demoUsers && DEMO_ACCOUNTS.some((a) => a.email === normalized && a.role === "admin")) return "admin";
  return "member";
}

export function toSessionUser(email: string, name?: string | null): SessionUser {
  const normalized = normalizeEmail(email);
  return { id: userIdFor(normalized), email: normalized, name: name || normalized.split("@")[0]!, role: roleFor(normalized) };
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

export async function checkPassword(email: string, password: string): Promise<SessionUser | null> {
  const account = (await accounts()).get(normalizeEmail(email));
  // Hash anyway when the account is unknown, so timing does not reveal which emails exist.
  const ok = await verifyPassword(password, account?.passwordHash ?? "scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  return ok && account ? toSessionUser(account.email, account.name) : null;
}
