// GET: the signed-in user's history. POST: publish (admins and their tokens).
import { apiHandler, parseQuery } from "@/lib/api/handler";
import { listHistory, publishNotification } from "@/lib/notifications";
import { historyQuerySchema, publishSchema } from "@/lib/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({}, async ({ req, user }) => {
  return Response.json(await listHistory(user, parseQuery(historyQuerySchema, req)));
});

export const POST = apiHandler({ role: "admin", body: publishSchema }, async ({ user, body, auth }) => {
  // Limits are per admin, and per token for tokens, so one leaked token cannot use up its owner's budget.
  if (auth.via === "token") return Response.json(await publishNotification(user, body, `token:${auth.tokenId}`, auth.tokenName), { status: 201 });
  return Response.json(await publishNotification(user, body, `user:${user.id}`), { status: 201 });
});
