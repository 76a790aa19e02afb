// The minimal route's state: the set of open stream controllers.
const KEY = Symbol.for("bench.minimal.streams");
type WithStreams = typeof globalThis & { [KEY]?: Set<ReadableStreamDefaultController<Uint8Array>> };
export const streams = ((globalThis as WithStreams)[KEY] ??= new Set());
