// What an operator's Prometheus scrapes from each instance at /api/metrics
// (with METRICS_TOKEN): prom-client's registry, one per process (every route
// bundle shares it through globalThis), with Node's own process metrics.
// Counters are counted where things happen; what the hub holds (open
// streams, deliveries, the bus) is read when scraped, so the fan-out pays
// nothing per stream for them.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** What the hub knows, read at each scrape (lib/stream registers it). */
export interface HubSample {
  openStreams: number;
  deliveries: number;
  /** 1 live, 0 not live; idle (no stream open here) counts as live. */
  busLive: number;
  busBreaks: number;
  slowClientCuts: number;
}

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "ntf_" });
  // Gauges prom-client names with a counter's "_total", which promtool refuses; the same counts are in
  // ntf_nodejs_active_handles and ntf_nodejs_active_resources.
  for (const misnamed of ["active_handles_total", "active_requests_total", "active_resources_total"]) registry.removeSingleMetric(`ntf_nodejs_${misnamed}`);
  let sample: (() => HubSample) | null = null;
  const sampled = (name: string, help: string, type: "counter" | "gauge", pick: (s: HubSample) => number) => {
    const collect = function (this: Gauge | Counter) {
      if (!sample) return;
      const value = pick(sample());
      if (this instanceof Gauge) this.set(value);
      else {
        this.reset();
        this.inc(value);
      }
    };
    return type === "gauge" ? new Gauge({ name, help, registers: [registry], collect }) : new Counter({ name, help, registers: [registry], collect });
  };
  sampled("ntf_open_streams", "Streams open on this instance.", "gauge", (s) => s.openStreams);
  sampled("ntf_deliveries_total", "Notifications written to streams on this instance.", "counter", (s) => s.deliveries);
  sampled("ntf_bus_live", "1 while this instance hears the bus (or has no stream to feed), else 0.", "gauge", (s) => s.busLive);
  sampled("ntf_bus_breaks_total", "Times this instance's bus subscription broke.", "counter", (s) => s.busBreaks);
  sampled("ntf_streams_cut_slow_total", "Streams closed because their client stopped reading (STREAM_QUEUE_MAX_BYTES).", "counter", (s) => s.slowClientCuts);
  return {
    registry,
    sampleHub: (read: () => HubSample) => void (sample = read),
    refusedAdmissions: new Counter({ name: "ntf_stream_refusals_total", help: "Stream admissions refused, by reason.", labelNames: ["reason"], registers: [registry] }),
    publishes: new Counter({ name: "ntf_publishes_total", help: "Notifications published, by source.", labelNames: ["source"], registers: [registry] }),
    webhookRequests: new Counter({ name: "ntf_webhook_requests_total", help: "Webhook requests, by source and status.", labelNames: ["source", "status"], registers: [registry] }),
    rateLimited: new Counter({ name: "ntf_rate_limit_refusals_total", help: "Requests refused with 429, by route.", labelNames: ["route"], registers: [registry] }),
    storeErrors: new Counter({ name: "ntf_store_errors_total", help: "Round trips to Redis or Upstash that failed.", registers: [registry] }),
    storeLatency: new Histogram({
      name: "ntf_store_round_trip_seconds",
      help: "Round trips to Redis or Upstash, by how long they took.",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

const METRICS_KEY = Symbol.for("notifications.metrics");
type WithMetrics = typeof globalThis & { [METRICS_KEY]?: ReturnType<typeof createMetrics> };

export function metrics() {
  const g = globalThis as WithMetrics;
  return (g[METRICS_KEY] ??= createMetrics());
}

/** A route's path with ids left out, so a label has few values. */
export function routeLabel(pathname: string): string {
  return pathname.replace(/\/[0-9a-f]{8}-[0-9a-f-]{27}|\/\d+-\d+|\/[A-Za-z0-9_-]{20,}/g, "/:id");
}
