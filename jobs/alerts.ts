import type { Job } from "./types.ts";

/**
 * Every minute: P1 alerts nobody decided within their step's wait go up the escalation chain
 * (ALERT_ESCALATION), alerts undecided for ALERT_EXPIRE close as expired, and hits the hourly
 * notice limit held back are summed up in one message per rule. Silenced rules wait.
 */
export const alertsJob: Job = {
  name: "alerts",
  cron: "* * * * *",
  description: "escalate undecided P1 alerts, expire stale ones, summarise rate-limited hits",
  async run(deps, now, progress) {
    const r = await deps.alerts.tick(now);
    if (r.escalated || r.expired || r.summarised)
      progress(`${r.escalated} escalated, ${r.expired} expired, ${r.summarised} summarised`);
    return r;
  },
};
