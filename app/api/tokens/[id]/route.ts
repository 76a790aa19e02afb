// DELETE /api/tokens/<id>: revoke one of the signed-in user's tokens; the
// streams it opened end on every instance (the store tells them on the bus).
import { apiHandler } from "@/lib/api/handler";
import { notFound } from "@/lib/errors";
import { getStores } from "@/lib/store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const DELETE = apiHandler({ sessionOnly: true }, async ({ user, params }) => {
  const deleted = await getStores().credentials.deleteToken(user.id, params.id ?? "");
  if (!deleted) throw notFound("That token");
  return new Response(null, { status: 204 });
});
