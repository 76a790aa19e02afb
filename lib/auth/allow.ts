// Who may sign in at all, whatever the provider: with ALLOWED_EMAILS or
// ALLOWED_EMAIL_DOMAINS set, only those accounts and ADMIN_EMAILS.
import "server-only";
import { config } from "../server/config";
import { normalizeEmail } from "./users";

export const NOT_ALLOWED = "This account may not sign in here. Ask an admin to add your email to ALLOWED_EMAILS.";

export function maySignIn(email: string | null | undefined): boolean {
  const { allowedEmails, allowedEmailDomains, adminEmails } = config();
  if (allowedEmails.size === 0 && allowedEmailDomains.size === 0) return true;
  if (!email) return false;
  const normalized = normalizeEmail(email);
  const domain = normalized.slice(normalized.lastIndexOf("@") + 1);
  return allowedEmails.has(normalized) || adminEmails.has(normalized) || allowedEmailDomains.has(domain);
}
