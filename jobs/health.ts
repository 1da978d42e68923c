import type { Job } from "./types.ts";

/**
 * Every minute: measures each source's interface health (sizes, shape, latency, errors,
 * duplicates, order, silence) and warns the integration owner about what started or stopped
 * going wrong. Obvious trouble (a 413, a flood of bad signatures, a new field) is checked at once
 * by the monitor; this tick catches the slow ones, silence above all.
 */
export const healthJob: Job = {
  name: "health",
  cron: "* * * * *",
  description: "interface health: evaluate every source's signals and warn the integration owner",
  async run(deps, _now, progress) {
    const sources = await deps.health.evaluate();
    const warnings = sources.reduce((n, s) => n + s.results.filter((r) => r.warn).length, 0);
    progress(`${sources.length} sources, ${warnings} signals warning`);
    return { sources: sources.length, warnings };
  },
};
