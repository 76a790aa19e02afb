// POST /api/sign-in/email: { email, callbackUrl? } asks for a sign-in link
// (lib/auth/email-link.ts). Open to anyone (it signs people in), from this
// site's own pages only; the answer is the same whether the address may sign
// in or not. 404 while email links are off (SMTP_URL and EMAIL_FROM).
import type { NextRequest } from "next/server";
import { assertSameOrigin, parseBody, privateAnswer, readJson } from "@/lib/api/handler";
import { sendSignInLink, SIGN_IN_LINK_SENT } from "@/lib/auth/email-link";
import { safeCallbackUrl } from "@/lib/auth/session";
import { config } from "@/lib/server/config";
import { ApiError, errorResponse } from "@/lib/server/errors";
import { clientAddress } from "@/lib/server/peer-address";
import { emailLinkSchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(req: NextRequest) {
  try {
    if (!config().emailSignIn) throw new ApiError(404, "Email sign-in links are off on this deployment.");
    assertSameOrigin(req);
    const body = parseBody(emailLinkSchema, await readJson(req));
    await sendSignInLink(body.email, clientAddress(req.headers, config().trustProxy), safeCallbackUrl(body.callbackUrl));
    return privateAnswer(Response.json({ sent: SIGN_IN_LINK_SENT }, { status: 202 }));
  } catch (error) {
    return privateAnswer(errorResponse(error));
  }
}
