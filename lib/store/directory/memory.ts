// The embedded directory: channels and follows in maps.
import type { Channel } from "../../shared/types";
import type { MemoryBus } from "../bus/memory";
import { DEFAULT_CHANNELS, type Directory } from "./types";

export class MemoryDirectory implements Directory {
  private readonly channels = new Map<string, Channel>(DEFAULT_CHANNELS.map((c) => [c.name, c]));
  private readonly follows = new Map<string, string[]>();

  constructor(private readonly bus: MemoryBus) {}

  async listChannels() {
    return [...this.channels.values()];
  }

  async getFollowing(userId: string) {
    return [...(this.follows.get(userId) ?? [])];
  }

  async setFollowing(userId: string, channels: string[]) {
    this.follows.set(userId, [...channels]);
    this.bus.send({ type: "follows", userId, following: [...channels] });
  }

  /** A publish to a channel nobody created yet creates it. */
  learnChannel(name: string) {
    if (!this.channels.has(name)) this.channels.set(name, { name, description: "" });
  }
}
