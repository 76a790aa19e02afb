// The embedded directory: channels and follows in maps.
import type { Channel } from "../../shared/types";
import type { MemoryBus } from "../bus/memory";
import { DEFAULT_CHANNELS, followedByDefault, type Directory, type Person } from "./types";

export class MemoryDirectory implements Directory {
  private readonly channels = new Map<string, Channel>(DEFAULT_CHANNELS.map((c) => [c.name, { ...c }]));
  private readonly follows = new Map<string, string[]>();
  private readonly known = new Map<string, Person>();

  constructor(private readonly bus: MemoryBus) {}

  async listChannels() {
    return [...this.channels.values()].map((c) => ({ ...c })).sort((a, b) => a.name.localeCompare(b.name));
  }

  async putChannel(channel: Channel) {
    const existed = this.channels.has(channel.name);
    this.channels.set(channel.name, { ...channel });
    return existed ? "updated" : "created";
  }

  async deleteChannel(name: string) {
    return this.channels.delete(name);
  }

  async getFollowing(userId: string) {
    const chosen = this.follows.get(userId);
    if (chosen) return [...chosen].sort();
    const following = followedByDefault([...this.channels.values()]).sort();
    await this.setFollowing(userId, following);
    return following;
  }

  async followingOf(userIds: string[]) {
    const defaults = followedByDefault([...this.channels.values()]).sort();
    return new Map(userIds.map((id) => [id, [...(this.follows.get(id) ?? defaults)].sort()]));
  }

  async setFollowing(userId: string, channels: string[]) {
    this.follows.set(userId, [...channels]);
    this.bus.send({ type: "follows", userId, following: [...channels] });
  }

  async rememberPerson(person: Person) {
    this.known.set(person.id, { ...person });
  }

  async people() {
    return [...this.known.values()].map((p) => ({ ...p }));
  }
}
