// The embedded bus: one process, so an event emitter. The log subscribes
// through it (log/memory.ts); every other concern only sends.
import { EventEmitter } from "node:events";
import type { BusMessage } from "../bus";

export class MemoryBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  send(message: BusMessage) {
    this.emitter.emit("message", message);
  }

  on(listener: (message: BusMessage) => void) {
    this.emitter.on("message", listener);
  }

  off(listener: (message: BusMessage) => void) {
    this.emitter.off("message", listener);
  }

  /** Listeners: zero when no hub holds a subscription. */
  get listenerCount() {
    return this.emitter.listenerCount("message");
  }
}

/** The entries of `map` under these keys (those it has), as HMGET answers them. */
export function entriesOf<V>(map: Map<string, V>, keys: string[]): Map<string, V> {
  const found = new Map<string, V>();
  for (const key of keys) {
    const value = map.get(key);
    if (value !== undefined) found.set(key, value);
  }
  return found;
}
