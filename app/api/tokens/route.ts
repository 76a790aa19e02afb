// The signed-in user's API tokens: list, and create (the token is shown once).
import { apiHandler } from "@/lib/api/handler";
import { createApiToken, toApiToken } from "@/lib/auth/tokens";
import { createTokenSchema } from "@/lib/schemas";
import { getStores } from "@/lib/store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ sessionOnly: true }, async ({ user }) => {
  const tokens = await getStores().credentials.listTokens(user.id);
  return Response.json({ tokens: tokens.map(toApiToken) });
});

export const POST = apiHandler({ sessionOnly: true, body: createTokenSchema }, async ({ user, body }) => {
  return Response.json(await createApiToken(user, body.name), { status: 201 });
});
