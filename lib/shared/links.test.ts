import { describe, expect, it } from "vitest";
import { notificationLinkTarget, sameOriginPath } from "./links";
import { publishSchema } from "./schemas";

// Each of these leads a browser off the app (it drops tabs and newlines and
// reads "\" as "/"), though each starts with a single "/".
const DISGUISED = [
  "/\t/evil.example/phish",
  "/\n/evil.example",
  "/\r/evil.example",
  "/\\evil.example",
  "\\/evil.example",
  "//evil.example",
  " /x",
  "https://evil.example",
  // Dot segments that collapse into a protocol-relative "//evil.example" path.
  "/..//evil.example",
  "/.//evil.example",
  "/a/..//evil.example",
  "/%2e%2e//evil.example",
];

describe("sameOriginPath", () => {
  it("keeps paths of this app, with their query and fragment", () => {
    expect(sameOriginPath("/")).toBe("/");
    expect(sameOriginPath("/admin?tab=2#top")).toBe("/admin?tab=2#top");
    expect(sameOriginPath("/a/../settings")).toBe("/settings");
  });

  it.each(DISGUISED)("refuses %j", (value) => {
    expect(sameOriginPath(value)).toBeNull();
  });
});

describe("notification links", () => {
  it("classifies app paths and https URLs, showing the host of the latter", () => {
    expect(notificationLinkTarget("/deploys/42")).toEqual({ kind: "app", path: "/deploys/42" });
    expect(notificationLinkTarget("https://status.example.org/x")).toMatchObject({ kind: "external", host: "status.example.org" });
    expect(notificationLinkTarget("http://example.org")).toBeNull();
    expect(notificationLinkTarget("javascript:alert(1)")).toBeNull();
  });

  it.each([...DISGUISED.filter((d) => !d.startsWith("https")), "/\t/evil.example/login"])("the publish schema refuses %j", (link) => {
    const parsed = publishSchema.safeParse({ title: "t", link });
    expect(parsed.success).toBe(false);
    expect(notificationLinkTarget(link)).toBeNull();
  });
});
