// POST: GitHub's webhooks (lib/integrations/github-route.ts).
import { receiveGitHubHook } from "@/lib/integrations/github-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = receiveGitHubHook;
