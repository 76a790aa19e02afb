// GET: the signed-in user's history. POST: publish (admins and their tokens).
import { apiHandler, parseQuery } from "@/lib/api/handler";
import { readHistory } from "@/lib/notifications/history";
import { publishNotification } from "@/lib/notifications/publish";
import { historyQuerySchema, publishSchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ tokenScope: "read", ownBudget: true }, async ({ req, user }) => Response.json(await readHistory(user, parseQuery(historyQuerySchema, req))));

export const POST = apiHandler({ role: "admin", body: publishSchema, tokenScope: "publish", ownBudget: true }, async ({ user, body, auth }) => {
  // One budget per person, shared by their session and every token of theirs: a new token is no new budget.
  const tokenName = auth.via === "token" ? auth.tokenName : undefined;
  return Response.json(await publishNotification(user, body, { limitKey: `user:${user.id}`, tokenName }), { status: 201 });
});
