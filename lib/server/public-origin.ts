// Where links in emails and QStash callbacks point: the deployment's public
// URL (NEXTAUTH_URL, which next-auth needs anyway), never the request's Host
// (which a client or a proxy may set to anything).
import "server-only";

export function publicOrigin(): string | null {
  const url = process.env.NEXTAUTH_URL;
  return url ? new URL(url).origin : null;
}
