// Two different addresses never become one person; what is no address is refused.
import { describe, expect, it } from "vitest";
import { asciiDomain, parseEmailAddress, parseList } from "./email-address";

describe("email addresses", () => {
  it("writes one form per address: trimmed, lower-cased, the domain NFKC and IDNA ASCII", () => {
    expect(parseEmailAddress("  Kate@Example.COM ")).toBe("kate@example.com");
    expect(parseEmailAddress("kate@ＥＸＡＭＰＬＥ.com")).toBe("kate@example.com");
    expect(parseEmailAddress("kate@bücher.example")).toBe("kate@xn--bcher-kva.example");
    expect(parseEmailAddress("o'brien+alerts@example.co.uk")).toBe("o'brien+alerts@example.co.uk");
  });

  it("refuses look-alike and non-ASCII local parts instead of folding them into someone else", () => {
    // The Kelvin sign: NFKC and lower-casing would make it Kate.
    expect(parseEmailAddress("\u212Aate@example.com")).toBeNull();
    expect(parseEmailAddress("kаte@example.com")).toBeNull(); // Cyrillic а
    expect(parseEmailAddress("ｋate@example.com")).toBeNull(); // full-width k
  });

  it("refuses what is not an address", () => {
    for (const text of ["example.com", "@example.com", "kate@", "kate@@example.com", "a@b@example.com", "kate@example", "kate@exa mple.com", "kate@-example.com", "kate@example.123", "kate@127.0.0.1", "kate@[::1]", ".kate@example.com", "ka..te@example.com", "kate@example.com/x", `${"a".repeat(65)}@example.com`, ""])
      expect(parseEmailAddress(text), text).toBeNull();
  });

  it("reads comma lists, naming the first entry that is not one", () => {
    expect(parseList("a@example.com, B@Example.com", "address")).toEqual({ set: new Set(["a@example.com", "b@example.com"]), invalid: null });
    expect(parseList(" , ", "address")).toEqual({ set: new Set(), invalid: null });
    expect(parseList("a@example.com,example.com", "address").invalid).toBe("example.com");
    expect(parseList("@Example.com,team.example", "domain").set).toEqual(new Set(["example.com", "team.example"]));
    expect(asciiDomain("localhost")).toBeNull();
  });
});
