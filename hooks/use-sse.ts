"use client";
// useSSE: subscribe a component to a server-sent event stream. Every
// component of a page that asks for the same URL shares one connection
// (hooks/sse-client.ts). Handlers live in refs, so re-rendering never reconnects.
import { useEffect, useRef, useState } from "react";
import { parseEventData, sharedConnection, type SSEState, type SSEStatus } from "./sse-client";

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
  /** An API token: streams with fetch and an Authorization header. */
  token?: string;
  /** Where a new connection resumes from (e.g. the newest item already shown). */
  lastEventId?: string | null;
}

export interface UseSSEResult<T> {
  status: SSEStatus;
  isConnected: boolean;
  lastEvent: SSEMessage<T> | null;
  lastEventId: string | null;
  error: Error | null;
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

  const eventsKey = (options.events ?? ["message"]).join("\n");
  const { token, lastEventId } = options;
  useEffect(() => {
    if (!url) return;
    const connection = sharedConnection(url, { token, lastEventId });
    let lastError: Error | null = null;
    return connection.subscribe({
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
    // lastEventId only seeds a new connection; changing it must not reconnect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [url, token, eventsKey]);

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
