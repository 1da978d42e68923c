import { formatSummary, getRun, previousDay, runDrift, runSummary } from "../src/drift/index.ts";
import type { Job } from "./types.ts";

/**
 * 02:00 daily: reconciles the orders touched the previous day (SPEC §2.2) and sends the drift
 * list to ops as one message — only once the run and all its items are stored, so the link in
 * the message always opens the full list. A run that fails is recorded `failed` and sends nothing.
 */
export const driftJob: Job = {
  name: "drift",
  cron: "0 2 * * *",
  description:
    "drift list: compare yesterday's orders with what every source last said, and with time limits",
  async run(deps, now, progress) {
    const timeZone = deps.config.TZ_DISPLAY;
    const day = previousDay(now, timeZone);
    const result = await runDrift({
      db: deps.db,
      hot: deps.database.hot,
      writer: deps.writer,
      rules: deps.rules,
      timeZone,
      day,
      now,
      progress,
    });
    const summary = await runSummary(deps.db, await getRun(deps.db, result.runId));
    await deps.notifier.send({
      to: "ops",
      severity: "P3",
      title: `漂移清单 ${day}:${result.found} 条(新增 ${summary.fresh},已解决 ${result.resolved})`,
      text: formatSummary(summary, { timeZone, markdown: true }),
    });
    progress(`run #${result.runId}: ${result.scanned} orders checked, ${result.found} drifting`);
    return {
      run: result.runId,
      scanned: result.scanned,
      found: result.found,
      fresh: summary.fresh,
      carried: summary.carried,
      resolved: result.resolved,
    };
  },
};
