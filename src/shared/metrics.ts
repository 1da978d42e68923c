import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** One registry per service instance (no global state), so tests can read their own counters. */
export function createMetrics(opts: { processMetrics?: boolean } = {}) {
  const registry = new Registry();
  // Process memory, event-loop lag and GC: the numbers that show a leak or a blocked loop. Not on
  // Workers, where there is no process to measure (process.cpuUsage is not implemented there).
  if (opts.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "anchorbot_" });
  const httpRequests = new Counter({
    name: "anchorbot_http_requests_total",
    help: "HTTP requests by route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const webhookEvents = new Counter({
    name: "anchorbot_webhook_pushes_total",
    help: "Inbound pushes by source and outcome (stored, duplicate, bad_signature, unparseable, too_large)",
    labelNames: ["source", "outcome"] as const,
    registers: [registry],
  });
  const processing = new Counter({
    name: "anchorbot_inbox_processing_total",
    help: "Inbox processing attempts by source and result (processed, failed, dead)",
    labelNames: ["source", "result"] as const,
    registers: [registry],
  });
  const unknownStatus = new Counter({
    name: "anchorbot_unknown_status_total",
    help: "Source events whose status no anchor rule knows",
    labelNames: ["source"] as const,
    registers: [registry],
  });
  const inboxDepth = new Gauge({
    name: "anchorbot_inbox_depth",
    help: "Inbox pushes waiting to be processed or retried, by status",
    labelNames: ["status"] as const,
    registers: [registry],
  });
  const ingestSeconds = new Histogram({
    name: "anchorbot_webhook_ingest_seconds",
    help: "Time from request to stored push",
    labelNames: ["source"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const healthValue = new Gauge({
    name: "anchorbot_health_signal_value",
    help: "Interface-health measurement per source and signal (ratio, count, bytes ratio or ms; see the board)",
    labelNames: ["source", "signal"] as const,
    registers: [registry],
  });
  const healthWarning = new Gauge({
    name: "anchorbot_health_signal_warning",
    help: "1 while an interface-health signal is over its threshold, else 0",
    labelNames: ["source", "signal"] as const,
    registers: [registry],
  });
  return {
    registry,
    httpRequests,
    webhookEvents,
    processing,
    unknownStatus,
    inboxDepth,
    ingestSeconds,
    healthValue,
    healthWarning,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
