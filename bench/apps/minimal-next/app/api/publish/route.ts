// The framework floor's publish: writes the event to each open stream, nothing else.
import { streams } from "../../streams";

export const dynamic = "force-dynamic";
const encoder = new TextEncoder();
let seq = 0;

export async function POST(req: Request) {
  const body = await req.text();
  const id = ++seq;
  for (const c of streams) c.enqueue(encoder.encode(`event: notification\nid: ${id}\ndata: ${body}\n\n`));
  return Response.json({ ok: true }, { status: 201 });
}
