import { describe, expect, it } from "vitest";
import { BusTrustedCache } from "./bus-trusted-cache";

describe("bus-trusted cache", () => {
  it("trusts a value only while the bus has been live since it was known", () => {
    const cache = new BusTrustedCache<string[]>();
    cache.learn("alice", ["deploys"], 100);
    expect(cache.get("alice", 50)).toEqual(["deploys"]);
    expect(cache.get("alice", 100)).toEqual(["deploys"]);
    expect(cache.get("alice", 101)).toBeNull(); // live again only after it: a change may have been missed
    expect(cache.get("alice", null)).toBeNull(); // not live
    expect(cache.get("bob", 0)).toBeNull();
  });

  it("keeps what a message said over a read that started before it arrived", () => {
    const cache = new BusTrustedCache<string[]>();
    cache.learn("alice", ["billing"], 200); // the message, heard at 200
    cache.learn("alice", ["deploys"], 150); // a read started at 150 answers after it
    expect(cache.get("alice", 0)).toEqual(["billing"]);
    cache.learn("alice", [], 300);
    expect(cache.get("alice", 0)).toEqual([]);
  });

  it("holds at most its bound, dropping the oldest", () => {
    const cache = new BusTrustedCache<number>(3);
    for (let i = 0; i < 5; i++) cache.learn(`u${i}`, i, 10);
    expect(cache.size).toBe(3);
    expect(cache.get("u0", 0)).toBeNull();
    expect(cache.get("u4", 0)).toBe(4);
  });
});
