// The benchmark runs end to end (small N, two systems); figures are not judged here.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "./fixtures";

test("npm run bench -- --quick runs end to end and writes its results", async () => {
  test.setTimeout(240_000);
  const out = mkdtempSync(path.join(tmpdir(), "bench-"));
  execFileSync("bash", ["bench/run.sh", "--quick", "--n", "50", "--systems", "floor,product-embedded", "--no-build", "--out", out], {
    stdio: "pipe",
    timeout: 230_000,
  });
  const results = JSON.parse(readFileSync(path.join(out, "latest.json"), "utf8"));
  expect(results.runs.map((r: { system: string }) => r.system)).toEqual(["floor", "product-embedded"]);
  for (const run of results.runs) expect(run.delivered).toBe(run.expectedDeliveries);
  expect(readFileSync(path.join(out, "chart.svg"), "utf8")).toContain("<svg");
});
