// GET: the signed-in user's history. POST: publish (admins and their tokens).
import { apiHandler, parseQuery } from "@/lib/api/handler";
import { config } from "@/lib/config";
import { tooMany } from "@/lib/errors";
import { getStores } from "@/lib/store";
import { listHistory, publishNotification } from "@/lib/notifications";
import { historyQuerySchema, publishSchema } from "@/lib/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({}, async ({ req, user }) => {
  const query = parseQuery(historyQuerySchema, req);
  const limit = await getStores().limits.rateLimit(`history:${user.id}`, config().rateHistoryPerMin, 60);
  if (!limit.ok) throw tooMany(limit.retryAfterS, "history requests");
  return Response.json(await listHistory(user, query));
});

export const POST = apiHandler({ role: "admin", body: publishSchema }, async ({ user, body, auth }) => {
  // One budget per person, shared by their session and every token of theirs: a new token is no new budget.
  const tokenName = auth.via === "token" ? auth.tokenName : undefined;
  return Response.json(await publishNotification(user, body, { limitKey: `user:${user.id}`, tokenName }), { status: 201 });
});
