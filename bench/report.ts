// Turns benchmark results into the table, the target checks and the SVG chart.

export interface Result {
  system: string;
  n: number;
  connectMs: number;
  steadyP50Ms: number | null;
  steadyP99Ms: number | null;
  burstP50Ms: number | null;
  burstP99Ms: number | null;
  maxMs: number | null;
  deliveriesPerSec: number;
  rssPerStreamKb: number | null;
  cpuSecPer10k: number | null;
  redisCmdsPerPublish: number | null;
  redisCmdsPerIdleStreamMinute: number | null;
  upstreamSubscriptionsPerInstance: number | null;
  delivered: number;
  expectedDeliveries: number;
}

const COLUMNS: [keyof Result, string][] = [
  ["system", "system"],
  ["n", "N"],
  ["connectMs", "connect ms"],
  ["steadyP50Ms", "steady p50"],
  ["steadyP99Ms", "steady p99"],
  ["burstP50Ms", "burst p50"],
  ["burstP99Ms", "burst p99"],
  ["maxMs", "max ms"],
  ["deliveriesPerSec", "burst deliveries/s"],
  ["rssPerStreamKb", "KB/stream"],
  ["cpuSecPer10k", "CPU s/10k"],
  ["redisCmdsPerPublish", "Redis cmds/publish"],
  ["redisCmdsPerIdleStreamMinute", "Redis cmds/idle stream-min"],
  ["upstreamSubscriptionsPerInstance", "upstream subs/instance"],
  ["delivered", "delivered"],
];

export function renderTable(results: Result[]): string {
  const header = `| ${COLUMNS.map(([, label]) => label).join(" | ")} |`;
  const rule = `|${COLUMNS.map(() => "---").join("|")}|`;
  const rows = results.map((r) => `| ${COLUMNS.map(([key]) => (key === "delivered" ? `${r.delivered}/${r.expectedDeliveries}` : (r[key] ?? "–"))).join(" | ")} |`);
  return [header, rule, ...rows].join("\n");
}

export interface TargetCheck {
  name: string;
  pass: boolean;
  detail: string;
}

export function targets(results: Result[]): TargetCheck[] {
  const n = Math.max(...results.map((r) => r.n));
  const at = (system: string) => results.find((r) => r.system === system && r.n === n);
  const checks: TargetCheck[] = [];
  const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b ? Math.round((a / b) * 100) / 100 : NaN);
  const add = (name: string, pass: boolean, detail: string) => checks.push({ name, pass, detail: `${detail} (N = ${n})` });
  const product = at("product-embedded");
  const floor = at("floor");
  const framework = at("minimal-next");
  if (product && floor) {
    add("burst deliveries/s ≥ floor", product.deliveriesPerSec >= floor.deliveriesPerSec, `product/floor = ${ratio(product.deliveriesPerSec, floor.deliveriesPerSec)}`);
    add("CPU per delivery ≤ floor", (product.cpuSecPer10k ?? Infinity) <= (floor.cpuSecPer10k ?? 0), `product/floor = ${ratio(product.cpuSecPer10k, floor.cpuSecPer10k)}`);
  }
  if (product && framework) {
    add("steady p99 ≤ framework floor", (product.steadyP99Ms ?? Infinity) <= (framework.steadyP99Ms ?? 0), `product/minimal-next = ${ratio(product.steadyP99Ms, framework.steadyP99Ms)}`);
    add("memory per stream ≤ 1.15 × framework floor", (product.rssPerStreamKb ?? Infinity) <= 1.15 * (framework.rssPerStreamKb ?? 0), `product/minimal-next = ${ratio(product.rssPerStreamKb, framework.rssPerStreamKb)}`);
  }
  for (const mode of ["product-embedded", "product-upstash"]) {
    const p = at(mode);
    if (!p) continue;
    for (const rival of ["express", "upstash-realtime"]) {
      const r = at(rival);
      if (!r) continue;
      add(`${mode} ahead of ${rival}: burst deliveries/s`, p.deliveriesPerSec > r.deliveriesPerSec, `ratio ${ratio(p.deliveriesPerSec, r.deliveriesPerSec)}`);
      add(`${mode} ahead of ${rival}: burst p99`, (p.burstP99Ms ?? Infinity) < (r.burstP99Ms ?? 0), `ratio ${ratio(p.burstP99Ms, r.burstP99Ms)}`);
      if (rival === "upstash-realtime") {
        add(`${mode} ahead of ${rival}: steady p99`, (p.steadyP99Ms ?? Infinity) < (r.steadyP99Ms ?? 0), `ratio ${ratio(p.steadyP99Ms, r.steadyP99Ms)}`);
        add(`${mode} ahead of ${rival}: memory per stream`, (p.rssPerStreamKb ?? Infinity) < (r.rssPerStreamKb ?? 0), `ratio ${ratio(p.rssPerStreamKb, r.rssPerStreamKb)}`);
      }
    }
  }
  const upstash = at("product-upstash");
  if (upstash) {
    add("Upstash: ≤ 8 Redis commands per publish", (upstash.redisCmdsPerPublish ?? Infinity) <= 8, `${upstash.redisCmdsPerPublish} per publish`);
    add("Upstash: ~0 Redis commands per idle stream-minute", (upstash.redisCmdsPerIdleStreamMinute ?? Infinity) < 0.1, `${upstash.redisCmdsPerIdleStreamMinute} (the per-instance presence constant spread over N)`);
    add("Upstash: one upstream subscription per instance", upstash.upstreamSubscriptionsPerInstance === 1, `${upstash.upstreamSubscriptionsPerInstance} per instance`);
  }
  return checks;
}

/** Two bar charts side by side: burst deliveries/s and steady p99, per system, at the largest N. */
export function renderChart(results: Result[]): string {
  const n = Math.max(...results.map((r) => r.n));
  const rows = results.filter((r) => r.n === n);
  const width = 760;
  const barH = 22;
  const top = 50;
  const height = top + rows.length * (barH + 8) + 30;
  const panel = (x: number, title: string, value: (r: Result) => number, unit: string) => {
    const max = Math.max(1, ...rows.map(value));
    const bars = rows
      .map((r, i) => {
        const w = (value(r) / max) * 200;
        const y = top + i * (barH + 8);
        const fill = r.system.startsWith("product") ? "#2f6fed" : "#94a3b8";
        return `<text x="${x}" y="${y + 15}" font-size="12" text-anchor="end">${r.system}</text><rect x="${x + 8}" y="${y}" width="${w.toFixed(1)}" height="${barH}" rx="3" fill="${fill}"/><text x="${x + 14 + w}" y="${y + 15}" font-size="11">${Math.round(value(r)).toLocaleString("en")} ${unit}</text>`;
      })
      .join("");
    return `<text x="${x - 110}" y="30" font-size="14" font-weight="600">${title}</text>${bars}`;
  };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif"><rect width="100%" height="100%" fill="#fff"/>${panel(120, `Burst deliveries/s (N = ${n}, higher is better)`, (r) => r.deliveriesPerSec, "/s")}${panel(500, `Steady p99 ms (lower is better)`, (r) => r.steadyP99Ms ?? 0, "ms")}</svg>\n`;
}
