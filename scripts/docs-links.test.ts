// Every relative link in the README and docs/ resolves inside the repository,
// anchors included (GitHub's heading slugs), so moving a section breaks a test.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..");
const pages = ["README.md", "bench/README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string) {
  return heading
    .toLowerCase()
    .replace(/[`*_]/g, "")
    .replace(/[^\p{L}\p{N} -]/gu, "")
    .replace(/ /g, "-");
}

function anchors(file: string) {
  const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]!.trim())));
}

describe("documentation links", () => {
  for (const page of pages) {
    it(`${page}: every relative link resolves`, () => {
      const text = readFileSync(join(root, page), "utf8").replace(/```[\s\S]*?```/g, "");
      const broken: string[] = [];
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue;
        const [path, anchor] = target!.split("#") as [string, string | undefined];
        const file = path ? join(root, dirname(page), path) : join(root, page);
        if (!file.startsWith(root) || !existsSync(file)) broken.push(`${target} (no file ${relative(root, file)})`);
        else if (anchor && file.endsWith(".md") && !anchors(file).has(anchor)) broken.push(`${target} (no heading)`);
      }
      expect(broken).toEqual([]);
    });
  }

  it("the README stays the front door", () => {
    expect(readFileSync(join(root, "README.md"), "utf8").split("\n").length).toBeLessThanOrEqual(300);
  });
});
