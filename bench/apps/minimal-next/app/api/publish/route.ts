import { streams } from "../../streams";

export const dynamic = "force-dynamic";
const encoder = new TextEncoder();

export async function POST(req: Request) {
  const body = await req.text();
  for (const c of streams) c.enqueue(encoder.encode(`event: notification\ndata: ${body}\n\n`));
  return Response.json({ ok: true }, { status: 201 });
}
