import type { Deps } from "../src/deps.ts";

/** A scheduled job: one file each in jobs/, run by croner on Node and Cron Triggers on Workers. */
export interface Job {
  name: string;
  /** Cron expression in TZ_DISPLAY (Asia/Shanghai by default). */
  cron: string;
  description: string;
  /** Does the work and returns what it counted, for the run record and the progress line. */
  run(deps: Deps, now: number, progress: (line: string) => void): Promise<Record<string, number>>;
}
