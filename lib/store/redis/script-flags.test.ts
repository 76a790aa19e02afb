import { describe, expect, it } from "vitest";
import { scriptRewriter } from "./script-flags";

describe("script flags", () => {
  it("drops the whole shebang line when no flag is left (Redis 6.2 cannot parse one)", () => {
    const [, script] = scriptRewriter()(["EVAL", "#!lua flags=allow-key-locking\nreturn 1", 0]);
    expect(script).toBe("return 1");
  });

  it("keeps the flags redis-server knows", () => {
    const [, script] = scriptRewriter()(["EVAL", "#!lua flags=allow-key-locking,no-writes\nreturn 1", 0]);
    expect(script).toBe("#!lua flags=no-writes\nreturn 1");
  });
});
