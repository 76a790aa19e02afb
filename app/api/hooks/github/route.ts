// POST: GitHub's webhooks (lib/integrations/github-route.ts).
import { receiveGitHubHook } from "@/lib/integrations/github-route";
import { countedHook } from "@/lib/integrations/publish";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = countedHook("github", receiveGitHubHook);
