import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { productNodeFlags } from "./next-server";

describe("productNodeFlags: the Node flags of npm start, for the tests and the benchmark", () => {
  const dirs: string[] = [];
  const withStartScript = (start: string | undefined) => {
    const dir = mkdtempSync(path.join(tmpdir(), "start-script-"));
    dirs.push(dir);
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ scripts: start === undefined ? {} : { start } }));
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("reads this repo's start script: a 64 MB semi-space", () => {
    expect(productNodeFlags()).toEqual(["--max-semi-space-size=64"]);
  });

  it("reads any number of flags, or none", () => {
    expect(productNodeFlags(withStartScript("node --a=1 --b node_modules/next/dist/bin/next start -H 127.0.0.1"))).toEqual(["--a=1", "--b"]);
    expect(productNodeFlags(withStartScript("node node_modules/next/dist/bin/next start -H 127.0.0.1"))).toEqual([]);
  });

  it("refuses a script of another shape rather than dropping what it adds", () => {
    for (const start of [
      "next start -H 127.0.0.1",
      "NODE_OPTIONS=--max-semi-space-size=64 next start",
      "node --max-semi-space-size 64 node_modules/next/dist/bin/next start -H 127.0.0.1",
      "node node_modules/next/dist/bin/next start -H 127.0.0.1 --keepAliveTimeout 70000",
      undefined,
    ]) {
      expect(() => productNodeFlags(withStartScript(start)), String(start)).toThrow(/start script is not/);
    }
  });
});
