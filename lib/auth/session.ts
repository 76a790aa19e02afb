// The signed-in user for server components and pages, with redirects for
// pages that need one. Routes use lib/auth/request.ts instead (tokens too).
import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { authOptions } from "./options";
import type { SessionUser } from "../shared/types";
import { toSessionUser } from "./users";
import { sameOriginPath } from "../shared/links";

export async function getCurrentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions);
  const email = session?.user?.email;
  return email ? toSessionUser(email, session.user.name, { admin: session.user.adminByGroup }) : null;
}

/** The user, or a redirect to sign-in that comes back to `path`. */
export async function requireUser(path: string): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
  return user;
}

/** `/signin` only redirects back to paths of this app, never to another site. */
export function safeCallbackUrl(value: string | string[] | undefined): string {
  const url = Array.isArray(value) ? value[0] : value;
  return (url && sameOriginPath(url)) || "/";
}
