"use client";
// A count that moves on whenever something is published (the stream's
// `activity` event, sent to admins only): /admin's figures poll fast again
// when it moves, and slowly otherwise (use-polled.ts). The stream is the
// browser's one stream, shared with its dashboard tabs (useSSE).
import { useState } from "react";
import { useSSE } from "./use-sse";

const EVENTS = ["activity"] as const;

/** `scope`: the signed-in user's id, as the dashboard shares its stream under. */
export function useActivityWake(scope: string) {
  const [wake, setWake] = useState(0);
  useSSE("/api/events", { events: EVENTS, scope, onMessage: () => setWake((n) => n + 1) });
  return wake;
}
