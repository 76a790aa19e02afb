// The embedded bus: one process, so an event emitter. The log subscribes
// through it (log/memory.ts); every other concern only sends.
import { EventEmitter } from "node:events";
import type { BusMessage } from "./types";

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
