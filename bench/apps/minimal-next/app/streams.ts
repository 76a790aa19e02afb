// The framework floor's only state: the open streams' controllers, shared by its two route modules through globalThis.
const KEY = Symbol.for("bench.minimal.streams");
type WithStreams = typeof globalThis & { [KEY]?: Set<ReadableStreamDefaultController<Uint8Array>> };
export const streams = ((globalThis as WithStreams)[KEY] ??= new Set());
