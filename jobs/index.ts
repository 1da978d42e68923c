import { alertsJob } from "./alerts.ts";
import { dailyReportJob } from "./daily-report.ts";
import { driftJob } from "./drift.ts";
import { expireReservationsJob } from "./expire-reservations.ts";
import { healthJob } from "./health.ts";
import { lowStockJob } from "./low-stock.ts";
import { pickupCheckJob } from "./pickup-check.ts";
import { slaJob } from "./sla.ts";
import type { Job } from "./types.ts";

export type { Job } from "./types.ts";

/** Every job, by name. `npm run job -- <name>` runs one now; src/node.ts schedules them all. */
export const jobs: Job[] = [
  expireReservationsJob,
  slaJob,
  driftJob,
  pickupCheckJob,
  alertsJob,
  lowStockJob,
  dailyReportJob,
  healthJob,
];

export function findJob(name: string): Job | undefined {
  return jobs.find((j) => j.name === name);
}
