export { addDays, dayOf, dayRange, dayStart, isDay, previousDay, shortStamp } from "../shared/day.ts";
export type { DriftFinding, OrderFacts, ShipmentFacts, SourceFacts } from "./check-order.ts";
export { checkOrder, memoEvaluate } from "./check-order.ts";
export {
  DEFAULT_DRIFT_CONFIG,
  DRIFT_KIND_ORDER,
  DRIFT_KINDS,
  type DriftConfig,
  type DriftKind,
  driftConfig,
  kindLabel,
  kindSuggestion,
} from "./config.ts";
export { driftCsv } from "./csv.ts";
export { type DriftPage, type FindDriftInput, findDrift } from "./find-drift.ts";
export { csvPath, formatSummary } from "./format.ts";
export { driftThreads, findDriftParallel, sliceScope } from "./parallel.ts";
export {
  type DriftItem,
  type DriftRun,
  getRun,
  itemView,
  type KindCount,
  latestRun,
  listRuns,
  orderDrift,
  type RunSummary,
  runItems,
  runSummary,
  runView,
} from "./queries.ts";
export { latestOkRun, type RunDriftInput, type RunDriftResult, runDrift } from "./run-drift.ts";
