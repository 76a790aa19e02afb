import { handle } from "@upstash/realtime";
import { realtime } from "../../realtime";

export const dynamic = "force-dynamic";
export const maxDuration = 300;
export const GET = handle({ realtime });
