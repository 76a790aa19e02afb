// The benchmark runs end to end (small N, two systems, on this Node and Node 24 side by side, with the
// product's time to screen in Chromium); figures are not judged here.
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
  const major = (version: string) => version.slice(1).split(".")[0];
  const nodes = [...new Set([major(process.version), "24"])];
  const rows: { system: string; node: string; delivered: number; expectedDeliveries: number; timeToScreenP50Ms: number | null }[] = results.runs;
  expect(rows.map((r) => `${r.system} on ${major(r.node)}`)).toEqual(["floor", "product-embedded"].flatMap((system) => nodes.map((n) => `${system} on ${n}`)));
  for (const run of rows) expect(run.delivered).toBe(run.expectedDeliveries);
  // A real page painted the product's cards on each runtime.
  for (const run of rows.filter((r) => r.system === "product-embedded")) expect(run.timeToScreenP50Ms).toBeGreaterThan(0);
  expect(new Set(results.targets.map((t: { node: string }) => major(t.node)))).toEqual(new Set(nodes));
  expect(readFileSync(path.join(out, "chart.svg"), "utf8")).toContain("<svg");
});
