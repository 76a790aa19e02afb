// DELETE /api/tokens/<id>: revoke one of the signed-in user's tokens.
import { apiHandler } from "@/lib/api/handler";
import { revokeApiToken } from "@/lib/auth/tokens";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const DELETE = apiHandler({ sessionOnly: true }, async ({ user, params }) => {
  await revokeApiToken(user, params.id ?? "");
  return new Response(null, { status: 204 });
});
