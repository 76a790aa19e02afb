import { describe, expect, it } from "vitest";
import { fieldErrors, markReadSchema, publishSchema } from "./schemas";

const errorsOf = (value: unknown) => {
  const parsed = publishSchema.safeParse(value);
  return parsed.success ? {} : fieldErrors(parsed.error);
};

describe("publish validation", () => {
  it("accepts a minimal alert and fills the defaults", () => {
    expect(publishSchema.parse({ title: "Deploy finished", audience: { kind: "all" } })).toEqual({
      title: "Deploy finished",
      body: "",
      severity: "info",
      audience: { kind: "all" },
    });
  });

  it.each([
    ["missing title", {}, "title"],
    ["blank title", { title: "   " }, "title"],
    ["title over 120", { title: "x".repeat(121) }, "title"],
    ["title with a bell character", { title: "a\u0007b" }, "title"],
    ["title with a tab", { title: "a\tb" }, "title"],
    ["body with an escape character", { title: "t", body: "a\u001b[31mb" }, "body"],
    ["body over 2000", { title: "t", body: "x".repeat(2001) }, "body"],
    ["body with a NUL", { title: "t", body: "a\u0000b" }, "body"],
    ["unknown severity", { title: "t", severity: "fatal" }, "severity"],
    ["javascript: link", { title: "t", link: "javascript:alert(1)" }, "link"],
    ["http link", { title: "t", link: "http://example.com" }, "link"],
    ["protocol-relative link", { title: "t", link: "//evil.example" }, "link"],
    ["no audience (it must be named)", { title: "t" }, "audience"],
    ["a misspelt audience: refused, never sent to everyone", { title: "t", audiance: { kind: "user", userId: "a@example.com" } }, "audiance"],
    ["unknown audience", { title: "t", audience: { kind: "team" } }, "audience.kind"],
    ["user audience without a user", { title: "t", audience: { kind: "user", userId: "" } }, "audience.userId"],
    ["channel with spaces", { title: "t", audience: { kind: "channel", channel: "a b" } }, "audience.channel"],
  ])("refuses %s, naming the field", (_, value, field) => {
    expect(Object.keys(errorsOf(value))).toContain(field);
  });

  it("stores Windows line ends and lone carriage returns as newlines, in titles and bodies", () => {
    const parsed = publishSchema.parse({ title: "Disk\r\nalmost full\r", body: "line 1\r\nline 2\rline 3\n" , audience: { kind: "all" } });
    expect(parsed.title).toBe("Disk\nalmost full");
    expect(parsed.body).toBe("line 1\nline 2\nline 3\n");
    expect(errorsOf({ title: "t", body: "a\u0000b" }).body).toMatch(/control characters/);
  });

  it("accepts app paths and https links, and keeps newlines and unicode in the body", () => {
    expect(publishSchema.parse({ title: "t", link: "/deploys/42" , audience: { kind: "all" } }).link).toBe("/deploys/42");
    expect(publishSchema.parse({ title: "t", link: "https://status.example.com/x" , audience: { kind: "all" } }).link).toBe("https://status.example.com/x");
    expect(publishSchema.parse({ title: "🚀 déployé", body: "line 1\nline 2\t✓" , audience: { kind: "all" } }).body).toBe("line 1\nline 2\t✓");
  });
});

describe("mark-read validation", () => {
  it("takes ids or all, nothing else", () => {
    expect(markReadSchema.safeParse({ ids: ["1-0"] }).success).toBe(true);
    expect(markReadSchema.safeParse({ all: true }).success).toBe(true);
    expect(markReadSchema.safeParse({ all: false }).success).toBe(false);
    expect(markReadSchema.safeParse({ ids: ["<script>"] }).success).toBe(false);
    expect(markReadSchema.safeParse({ ids: [] }).success).toBe(false);
  });
});
