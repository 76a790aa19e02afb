// PUT /api/admin/channels/<name>: creates a channel (201) or changes its description and whether new people follow it (200).
// DELETE /api/admin/channels/<name>: removes it from the catalog (what was sent to it stays in history).
import { apiHandler } from "@/lib/api/handler";
import { deleteChannel, putChannel } from "@/lib/notifications/channels";
import { ApiError } from "@/lib/server/errors";
import { channelName, channelSettingsSchema } from "@/lib/shared/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function nameOf(params: Record<string, string>) {
  const parsed = channelName.safeParse(params.name);
  if (!parsed.success) throw new ApiError(400, parsed.error.issues[0]!.message, { field: "name" });
  return parsed.data;
}

export const PUT = apiHandler({ role: "admin", body: channelSettingsSchema }, async ({ user, params, body }) => {
  const { channel, created } = await putChannel(user, { name: nameOf(params), ...body });
  return Response.json(channel, { status: created ? 201 : 200 });
});

export const DELETE = apiHandler({ role: "admin" }, async ({ user, params }) => {
  await deleteChannel(user, nameOf(params));
  return Response.json({ deleted: params.name });
});
