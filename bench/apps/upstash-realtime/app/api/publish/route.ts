// Publishes one event through @upstash/realtime's emit (XADD to the channel's stream, then PUBLISH).
import { realtime } from "../../realtime";

export const dynamic = "force-dynamic";

export async function POST(req: Request) {
  await realtime.emit("notification.alert", (await req.json()) as { t: number; pad: string });
  return Response.json({ ok: true }, { status: 201 });
}
