// Who may sign in at all, whatever the provider: with ALLOWED_EMAILS or
// ALLOWED_EMAIL_DOMAINS set, only those accounts and ADMIN_EMAILS.
import "server-only";
import { config } from "../server/config";

export const NOT_ALLOWED = "This account may not sign in here. Ask an admin to add your email to ALLOWED_EMAILS.";

/** `address`: an email in its one form (parseEmailAddress); null never signs in. */
export function maySignIn(address: string | null): boolean {
  if (!address) return false;
  const { allowedEmails, allowedEmailDomains, adminEmails } = config();
  if (allowedEmails.size === 0 && allowedEmailDomains.size === 0) return true;
  const domain = address.slice(address.lastIndexOf("@") + 1);
  return allowedEmails.has(address) || adminEmails.has(address) || allowedEmailDomains.has(domain);
}
