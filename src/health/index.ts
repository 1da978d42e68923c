export { healthBoard, type SourceBoardLine, type SourceHealthDetail, sourceHealth } from "./board.ts";
export { DEFAULT_HEALTH_SETTINGS, type HealthSettings, parseHealthSettings, SIGNALS } from "./config.ts";
export { evaluateHealth, type SourceHealth } from "./evaluate.ts";
export { formatBoard, formatSourceHealth } from "./format.ts";
export { fieldLine, fmtBytes, fmtMs } from "./judge.ts";
export { createHealthMonitor, type HealthMonitor } from "./monitor.ts";
