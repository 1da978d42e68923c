export { addDays, dayRange, dayStart, displayDay, isDay, monthDay } from "../shared/day.ts";
export { CHART_SIZE, paidChartPng, paidChartSvg, shortYuan, svgToPng } from "./chart.ts";
export {
  CALIBER,
  type DailyFigures,
  dailyFigures,
  flattenFigures,
  unflattenFigures,
} from "./daily-figures.ts";
export { chartPath, dailyReportText, type ReportText, yuan } from "./daily-markdown.ts";
export {
  createDailyReport,
  DAILY_KIND,
  type DailyReport,
  dailyReportFromRow,
  findDailyReport,
  parseReportDay,
  previousDay,
} from "./daily-report.ts";
export {
  alertOverduePickups,
  listOverduePickups,
  type OverduePickup,
  PICKUP_RULE_ID,
  PICKUP_WINDOW_MS,
} from "./overdue-pickups.ts";
export { getReport, latestReport, type ReportRow, saveReport } from "./store.ts";
