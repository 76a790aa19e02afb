// POST /api/push/subscriptions: this browser's PushSubscription (its
// toJSON()), kept for the person. DELETE { endpoint }: this browser no more.
import { apiHandler } from "@/lib/api/handler";
import { subscribeDevice, unsubscribeDevice } from "@/lib/notifications/push/devices";
import { pushEndpointSchema, pushSubscriptionSchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ sessionOnly: true, body: pushSubscriptionSchema }, async ({ user, body }) =>
  Response.json(await subscribeDevice(user, body), { status: 201 }),
);

export const DELETE = apiHandler({ sessionOnly: true, body: pushEndpointSchema }, async ({ user, body }) => Response.json(await unsubscribeDevice(user, body.endpoint)));
