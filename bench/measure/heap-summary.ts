// Where the memory of N open streams goes: two V8 heap snapshots of one server (before connecting, after), the
// growth of self sizes grouped by what holds them (constructor for objects, the node type otherwise, and for
// closures whose code they run: Node, Next, React, the app bundle), per stream. Self sizes, not retained ones:
// each byte is counted once, on the object that holds it.
// Usage: node --max-old-space-size=12288 --require tsx/cjs bench/measure/heap-summary.ts BEFORE AFTER N
import { readFileSync } from "node:fs";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Whose code a script is, by its name (a URL or path). */
function codeOwner(script: string): string {
  if (script.startsWith("node:") || script.startsWith("internal/")) return "Node";
  if (/node_modules\/next\/|next-server|\/compiled\/next/.test(script)) return "Next";
  if (/react/.test(script)) return "React";
  if (script.includes("/.next/")) return "app bundle";
  // No script: V8 built-ins (promise resolvers, bound functions, ...).
  return script ? "other" : "V8 built-in";
}

/** Bytes and counts per group ("object Foo", "closure bar", "string", ...). */
function groups(file: string): Map<string, { bytes: number; count: number }> {
  const heap = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  const { meta } = heap.snapshot;
  const fields = meta.node_fields;
  const types = meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt, edgeCountAt] = ["type", "name", "self_size", "edge_count"].map((f) => fields.indexOf(f)) as [number, number, number, number];
  const edgeWidth = meta.edge_fields.length;
  const [edgeTypeAt, edgeNameAt, edgeToAt] = ["type", "name_or_index", "to_node"].map((f) => meta.edge_fields.indexOf(f)) as [number, number, number];
  const namedEdge = new Set(["context", "property", "internal", "shortcut", "weak"].map((t) => meta.edge_types[0].indexOf(t)));
  // Edges are stored node by node: where each node's start.
  const firstEdge = new Uint32Array(heap.nodes.length / width + 1);
  for (let n = 0, at = 0; n < heap.nodes.length / width; n++) {
    firstEdge[n] = at;
    at += heap.nodes[n * width + edgeCountAt]! * edgeWidth;
  }
  /** The node an edge named `name` of node index `node` (÷ width) leads to, or -1. */
  const follow = (node: number, name: string) => {
    for (let e = firstEdge[node]!; e < firstEdge[node]! + heap.nodes[node * width + edgeCountAt]! * edgeWidth; e += edgeWidth) {
      if (namedEdge.has(heap.edges[e + edgeTypeAt]!) && heap.strings[heap.edges[e + edgeNameAt]!] === name) return heap.edges[e + edgeToAt]! / width;
    }
    return -1;
  };
  /** A closure → its SharedFunctionInfo → its Script, whose name is the file. */
  const closureOwner = (node: number) => {
    const shared = follow(node, "shared");
    // "script" in newer V8 (Node 24), "script_or_debug_info" in Node 20's.
    const script = shared < 0 ? -1 : Math.max(follow(shared, "script"), follow(shared, "script_or_debug_info"));
    return codeOwner(script < 0 ? "" : heap.strings[heap.nodes[script * width + nameAt]!]!);
  };
  const out = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + typeAt]!]!;
    // Objects by constructor, closures by whose code they run; strings, code, arrays and the rest by type (their names are their contents).
    const key = type === "object" ? `object ${heap.strings[heap.nodes[i + nameAt]!]}` : type === "closure" ? `closures of ${closureOwner(i / width)} code` : type;
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
  const none = { bytes: 0, count: 0 };
  const rows = [...new Set([...before.keys(), ...after.keys()])].map((key) => {
    const [a, b] = [after.get(key) ?? none, before.get(key) ?? none];
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
