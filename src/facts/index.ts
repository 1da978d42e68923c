export { FACT_COLUMNS, type FactColumn, findColumn } from "./columns.ts";
export { columnView, formatCaliber, formatRegistry, formatValue, metricView } from "./format.ts";
export { type FactFilter, type FactRow, factsCsv, listFacts } from "./list-facts.ts";
export { checkRange, dimHelp, type Period, parseDim, parsePeriod } from "./period.ts";
export { getMetric, type MetricAnswer, metricDefinition, queryMetric } from "./query-metric.ts";
export { rebuildFacts, refreshFact } from "./refresh-fact.ts";
export { findMetric, METRICS, type MetricDef, metricDims } from "./registry.ts";
export { DIM_LABELS, DIMS, type Dim } from "./sources.ts";
