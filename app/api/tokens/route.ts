// The signed-in user's API tokens: list, and create (the token is shown once).
import { apiHandler } from "@/lib/api/handler";
import { createApiToken, listApiTokens } from "@/lib/auth/tokens";
import { createTokenSchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ sessionOnly: true }, async ({ user }) => Response.json({ tokens: await listApiTokens(user) }));

export const POST = apiHandler({ sessionOnly: true, body: createTokenSchema }, async ({ user, body }) => {
  return Response.json(await createApiToken(user, body.name, body.scope), { status: 201 });
});
