// POST /api/notifications/ack: a browser's batch of acknowledgements,
// { browserId, displayed: [{ id, displayedAt }], opened: [id] }, for the
// alerts' funnels. Opened ones are marked read too.
import { apiHandler } from "@/lib/api/handler";
import { acknowledge } from "@/lib/funnel";
import { markRead } from "@/lib/inbox";
import { ackSchema } from "@/lib/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ body: ackSchema }, async ({ user, body }) => {
  const result = await acknowledge(user, body);
  if (body.opened.length) await markRead(user, { ids: body.opened }, { limited: false });
  return Response.json(result);
});
