// next-auth's routes. A sign-out first revokes the session in the store
// (every instance then refuses its cookie and ends its streams); if the store
// cannot record that, the answer is 503 and the person stays signed in,
// rather than a cleared cookie over a session that lives on.
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { revokeRequestSession } from "@/lib/auth/request";
import { errorResponse } from "@/lib/errors";

const handler = NextAuth(authOptions);

type Context = { params: Promise<{ nextauth: string[] }> };

async function POST(req: NextRequest, context: Context) {
  if (req.nextUrl.pathname.endsWith("/signout")) {
    try {
      await revokeRequestSession(req);
    } catch (error) {
      return errorResponse(error);
    }
  }
  return handler(req, context);
}

export { handler as GET, POST };
