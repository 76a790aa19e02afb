// Where the memory of N open streams goes: two V8 heap snapshots of one server (before connecting, after), the
// growth of self sizes grouped by what holds them (constructor for objects and closures, the node type otherwise),
// per stream. Self sizes, not retained ones: each byte is counted once, on the object that holds it.
// Usage: node --max-old-space-size=8192 --require tsx/cjs bench/measure/heap-summary.ts BEFORE AFTER N
import { readFileSync } from "node:fs";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Bytes and counts per group ("object Foo", "closure bar", "string", ...). */
function groups(file: string): Map<string, { bytes: number; count: number }> {
  const heap = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f)) as [number, number, number];
  const out = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + typeAt]!]!;
    // Objects and closures by name; strings, code, arrays and the rest by type (their names are their contents).
    const key = type === "object" || type === "closure" ? `${type} ${heap.strings[heap.nodes[i + nameAt]!]}` : type;
    const group = out.get(key) ?? { bytes: 0, count: 0 };
    group.bytes += heap.nodes[i + sizeAt]!;
    group.count++;
    out.set(key, group);
  }
  return out;
}

export function summarise(beforeFile: string, afterFile: string, n: number, top = 30): string {
  const before = groups(beforeFile);
  const after = groups(afterFile);
  const rows = [...after].map(([key, a]) => {
    const b = before.get(key) ?? { bytes: 0, count: 0 };
    return { key, bytes: (a.bytes - b.bytes) / n, count: (a.count - b.count) / n };
  });
  const total = rows.reduce((sum, r) => sum + r.bytes, 0);
  rows.sort((x, y) => y.bytes - x.bytes);
  const lines = [
    `Heap growth per stream over ${n.toLocaleString("en-US")} streams: ${(total / 1024).toFixed(1)} KB (self sizes)`,
    "",
    "| held by | bytes / stream | objects / stream |",
    "|---|---|---|",
    ...rows.slice(0, top).map((r) => `| ${r.key.replace(/\|/g, "\\|").slice(0, 80)} | ${Math.round(r.bytes).toLocaleString("en-US")} | ${r.count.toFixed(1)} |`),
  ];
  return lines.join("\n");
}

if (require.main === module) {
  const [before, after, n] = process.argv.slice(2);
  if (!before || !after || !Number(n)) throw new Error("usage: heap-summary.ts BEFORE.heapsnapshot AFTER.heapsnapshot N");
  console.log(summarise(before, after, Number(n)));
}
