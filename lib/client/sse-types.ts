// The browser side's view of a stream, shared by the connection, the tab
// sharing and the useSSE hook. States and errors cross between tabs, so
// errors carry a kind that survives structured cloning.

export type SSEStatus = "connecting" | "open" | "closed";

export interface SSERawEvent {
  event: string;
  data: string;
  id?: string;
}

/** unauthorized: sign in again; too-many: over MAX_CONNECTIONS_PER_USER; server: a 5xx; network: cut or unreachable. */
export type StreamErrorKind = "unauthorized" | "forbidden" | "too-many" | "server" | "network";

export class StreamError extends Error {
  constructor(
    readonly kind: StreamErrorKind,
    message: string,
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}

export interface SSEState {
  status: SSEStatus;
  lastEventId: string | null;
  error: StreamError | null;
  /** When the next reconnect attempt starts (ms since epoch), while waiting for one. */
  retryAt: number | null;
}

/** An SSEState as it travels between tabs (BroadcastChannel clones data, not classes). */
export type WireState = Omit<SSEState, "error"> & { error: { kind: StreamErrorKind; message: string } | null };

export function toWire(state: SSEState): WireState {
  return { ...state, error: state.error && { kind: state.error.kind, message: state.error.message } };
}

export function fromWire(state: WireState): SSEState {
  return { ...state, error: state.error && new StreamError(state.error.kind, state.error.message) };
}

/** An event's JSON data, or the error to report: a bad payload never throws. */
export function parseEventData<T>(raw: SSERawEvent): { data: T } | { error: Error } {
  try {
    return { data: JSON.parse(raw.data) as T };
  } catch {
    return { error: new Error(`The "${raw.event}" event carried data that is not JSON.`) };
  }
}
