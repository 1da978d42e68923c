import { serve } from "@hono/node-server";
import { Cron } from "croner";
import { chatNotifier, platformApis, startChat } from "../bot/index.ts";
import { jobs } from "../jobs/index.ts";
import { runJob } from "../jobs/runner.ts";
import { createApp } from "./app.ts";
import { createDeps } from "./deps.ts";
import { ConfigError, parseEnv } from "./env.ts";
import { processDue } from "./inbox/process-due.ts";
import { resolveApiToken } from "./shared/api-token.ts";
import { createLogger } from "./shared/logger.ts";

/** Node entry: parse env, build deps, serve, sweep the inbox; the only place that reads process.env. */
async function main() {
  let config: ReturnType<typeof parseEnv>;
  try {
    config = parseEnv(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`anchorbot: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const token = resolveApiToken(config.API_TOKEN, config.DATA_DIR);
  if (token.created) {
    process.stdout.write(
      `anchorbot: generated an API token (stored in ${token.path}, shown only this once):\n  ${token.token}\n`,
    );
  }
  const logger = createLogger(config.LOG_LEVEL);
  const apis = platformApis(config, logger);
  const notices = chatNotifier(config, logger, apis);
  const deps = await createDeps(config, token.token, { logger, notifier: notices.notifier });
  const app = createApp(deps);
  // Chat: /wecom/callback, the DingTalk Stream connection, and cards on notices.
  const chat = startChat({ deps, app, apis });
  notices.bindBot(chat.bot);

  // Pushes stored but not processed before a stop, and failed ones whose retry is due.
  const sweep = async (includeFresh = false) => {
    const out = await processDue({
      db: deps.db,
      writer: deps.writer,
      ctx: deps.processContext,
      now: deps.clock.now,
      includeFresh,
    });
    if (out.length > 0) deps.logger.info({ processed: out.length }, "inbox sweep");
  };
  await sweep(true);
  const timer = setInterval(
    () => void sweep().catch((err) => deps.logger.error({ err }, "inbox sweep failed")),
    5_000,
  );

  // Scheduled jobs: croner in TZ_DISPLAY; each run takes a lease so instances never overlap.
  const crons = jobs.map(
    (job) =>
      new Cron(job.cron, { timezone: config.TZ_DISPLAY, protect: true }, async () => {
        try {
          const rec = await runJob(deps, job);
          if (rec.outcome !== "skipped")
            deps.logger.info({ job: job.name, outcome: rec.outcome, counts: rec.counts }, "job run");
        } catch (err) {
          // A job that cannot even start (database locked past the retry window) must not crash the service.
          deps.logger.error({ err, job: job.name }, "job could not run");
        }
      }),
  );

  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    deps.logger.info(
      { port: info.port, database: config.DATABASE_URL.replace(/\/\/[^@]*@/, "//***@") },
      "anchorbot listening",
    );
  });
  const stop = async (signal: string) => {
    deps.logger.info({ signal }, "shutting down");
    clearInterval(timer);
    for (const c of crons) c.stop();
    server.close();
    await chat.stop();
    // Give queued notices a moment to go out; a dead target must not hold the shutdown.
    await Promise.race([notices.notifier.flush(), new Promise((r) => setTimeout(r, 5_000))]);
    await notices.notifier.close();
    await deps.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((err) => {
  process.stderr.write(`anchorbot: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
