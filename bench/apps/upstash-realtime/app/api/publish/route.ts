import { realtime } from "../../realtime";

export const dynamic = "force-dynamic";

export async function POST(req: Request) {
  await realtime.emit("notification", JSON.parse(await req.text()));
  return Response.json({ ok: true }, { status: 201 });
}
