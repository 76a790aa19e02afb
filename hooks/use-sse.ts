"use client";
// useSSE: subscribe a component to a server-sent event stream. Every
// component of a page, and every tab of the browser, that asks for the same
// URL shares one connection (lib/client/tab-shared-stream.ts). Handlers live
// in refs, so re-rendering never reconnects.
import { useEffect, useRef, useState } from "react";
import { sharedStream, type SharedStream } from "@/lib/client/tab-shared-stream";
import { parseEventData, type SSEState, type SSEStatus, type StreamError } from "@/lib/client/sse-types";

export interface SSEMessage<T> {
  event: string;
  data: T;
  id?: string;
}

export interface UseSSEOptions<T> {
  /** Named events to receive (default: "message"). */
  events?: readonly string[];
  onMessage?: (message: SSEMessage<T>) => void;
  /** Bad JSON and connection errors; never thrown. */
  onError?: (error: Error) => void;
  /** An API token: streams with an Authorization header, never shared between tabs. */
  token?: string;
  /** Where a new connection resumes from; moving it forward moves the resume point, never reconnects. */
  lastEventId?: string | null;
  /** Tabs share the stream only within the same scope (e.g. the signed-in user's id). */
  scope?: string;
}

export interface UseSSEResult<T> {
  status: SSEStatus;
  isConnected: boolean;
  lastEvent: SSEMessage<T> | null;
  lastEventId: string | null;
  /** A StreamError (with its kind: unauthorized, too-many, …) or a bad payload. */
  error: StreamError | Error | null;
  /** Milliseconds until the next reconnect attempt, while waiting for one. */
  retryInMs: number | null;
}

export function useSSE<T = unknown>(url: string | null, options: UseSSEOptions<T> = {}): UseSSEResult<T> {
  const onMessage = useRef(options.onMessage);
  const onError = useRef(options.onError);
  useEffect(() => {
    onMessage.current = options.onMessage;
    onError.current = options.onError;
  });
  const [state, setState] = useState<SSEState>({ status: "connecting", lastEventId: null, error: null, retryAt: null });
  const [lastEvent, setLastEvent] = useState<SSEMessage<T> | null>(null);
  const [parseError, setParseError] = useState<Error | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const streamRef = useRef<SharedStream | null>(null);

  const eventsKey = (options.events ?? ["message"]).join("\n");
  const { token, lastEventId, scope } = options;
  useEffect(() => {
    if (!url) return;
    const stream = sharedStream(url, { token, lastEventId, scope });
    streamRef.current = stream;
    let lastError: Error | null = null;
    const unsubscribe = stream.subscribe({
      events: eventsKey.split("\n"),
      onEvent(raw) {
        const parsed = parseEventData<T>(raw);
        if ("error" in parsed) {
          setParseError(parsed.error);
          onError.current?.(parsed.error);
          return;
        }
        const message = { event: raw.event, data: parsed.data, id: raw.id };
        setLastEvent(message);
        onMessage.current?.(message);
      },
      onState(next) {
        setState(next);
        if (next.error && next.error !== lastError) onError.current?.(next.error);
        lastError = next.error;
      },
    });
    return () => {
      unsubscribe();
      streamRef.current = null;
    };
    // lastEventId seeds a new connection and moves forward below; it never reconnects.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [url, token, scope, eventsKey]);

  useEffect(() => {
    if (lastEventId) streamRef.current?.advanceTo(lastEventId);
  }, [lastEventId]);

  // A ticking clock only while a reconnect countdown is showing.
  useEffect(() => {
    if (!state.retryAt) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [state.retryAt]);

  return {
    status: state.status,
    isConnected: state.status === "open",
    lastEvent,
    lastEventId: state.lastEventId,
    error: state.error ?? parseError,
    retryInMs: state.retryAt ? Math.max(0, state.retryAt - now) : null,
  };
}
