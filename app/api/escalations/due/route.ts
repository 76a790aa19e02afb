// POST /api/escalations/due: QStash's delayed callback (lib/escalation/runner.ts).
// Only a request QStash signed runs anything; it claims and runs every step
// due now, so a late, repeated or early call does no harm.
import { Receiver } from "@upstash/qstash";
import { runDueSteps } from "@/lib/notifications/escalation/runner";
import { config } from "@/lib/server/config";
import { errorResponse, ApiError } from "@/lib/server/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
// A step's webhook may retry for most of a minute; a run takes the steps due one after another.
export const maxDuration = 300;

export async function POST(req: Request): Promise<Response> {
  try {
    const qstash = config().qstash;
    if (!qstash) throw new ApiError(404, "Escalations are not run through QStash on this deployment.");
    const signature = req.headers.get("upstash-signature");
    const body = await req.text();
    if (!signature) throw new ApiError(401, "Only QStash calls this: the Upstash-Signature header is missing.");
    const receiver = new Receiver({ currentSigningKey: qstash.currentSigningKey, nextSigningKey: qstash.nextSigningKey });
    if (!(await receiver.verify({ signature, body }).catch(() => false))) throw new ApiError(401, "The Upstash-Signature does not verify.");
    return Response.json({ ran: await runDueSteps() });
  } catch (error) {
    return errorResponse(error);
  }
}
