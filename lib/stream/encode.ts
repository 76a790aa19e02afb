// Server-Sent Events framing (WHATWG HTML, "Server-sent events"). Every value
// that reaches the wire passes through here, so a title with a line break or
// a crafted event name can never start a field of its own.

export interface SseFrame {
  event?: string;
  id?: string;
  data?: string;
  retry?: number;
  comment?: string;
}

const LINE_BREAK = /\r\n|\r|\n/;

/** Values of single-line fields (event, id) lose every CR, LF and NUL. */
function singleLine(value: string): string {
  return value.replace(/[\r\n\u0000]/g, "");
}

export function formatFrame(frame: SseFrame): string {
  let out = "";
  if (frame.comment !== undefined) for (const line of frame.comment.split(LINE_BREAK)) out += `: ${line}\n`;
  if (frame.retry !== undefined) out += `retry: ${Math.max(0, Math.floor(frame.retry))}\n`;
  if (frame.event !== undefined) out += `event: ${singleLine(frame.event)}\n`;
  if (frame.id !== undefined) out += `id: ${singleLine(frame.id)}\n`;
  if (frame.data !== undefined) for (const line of frame.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return out + "\n";
}

const encoder = new TextEncoder();

export function encodeFrame(frame: SseFrame): Uint8Array {
  return encoder.encode(formatFrame(frame));
}

/** A named event whose data is JSON (JSON never holds a raw line break). */
export function encodeJsonEvent(event: string, data: unknown, id?: string): Uint8Array {
  return encodeFrame({ event, data: JSON.stringify(data), id });
}

export function concatChunks(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  let length = 0;
  for (const c of chunks) length += c.byteLength;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  // no-transform keeps `next start`'s gzip (and proxies) from buffering the stream.
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
} as const;
