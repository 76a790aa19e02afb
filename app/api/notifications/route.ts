// GET: the signed-in user's history. POST: publish (admins and their tokens).
import { apiHandler } from "@/lib/api/handler";
import { ApiError } from "@/lib/errors";
import { listHistory, publishNotification } from "@/lib/notifications";
import { fieldErrors, historyQuerySchema, publishSchema } from "@/lib/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({}, async ({ req, user }) => {
  const query = historyQuerySchema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!query.success) {
    const fields = fieldErrors(query.error);
    const [field, message] = Object.entries(fields)[0]!;
    throw new ApiError(400, message, { field, fields });
  }
  return Response.json(await listHistory(user, query.data));
});

export const POST = apiHandler({ role: "admin", body: publishSchema }, async ({ user, body, auth }) => {
  // Limits are per admin, and per token for tokens, so one leaked token cannot use up its owner's budget.
  const limitKey = auth.via === "token" ? `token:${auth.tokenId}` : `user:${user.id}`;
  return Response.json(await publishNotification(user, body, limitKey), { status: 201 });
});
