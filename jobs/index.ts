import { expireReservationsJob } from "./expire-reservations.ts";
import { slaJob } from "./sla.ts";
import type { Job } from "./types.ts";

export type { Job } from "./types.ts";

/** Every job, by name. `npm run job -- <name>` runs one now; src/node.ts schedules them all. */
export const jobs: Job[] = [expireReservationsJob, slaJob];

export function findJob(name: string): Job | undefined {
  return jobs.find((j) => j.name === name);
}
