// POST /api/notifications/ack: a browser's batch of acknowledgements,
// { browserId, displayed: [{ id, displayedAt }], opened: [id] }, for the
// alerts' funnels. Opened ones are marked read too.
import { apiHandler } from "@/lib/api/handler";
import { takeAcknowledgements } from "@/lib/notifications/inbox";
import { ackSchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ body: ackSchema, ownBudget: true }, async ({ user, body }) => Response.json(await takeAcknowledgements(user, body)));
