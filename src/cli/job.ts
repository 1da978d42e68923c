import { findJob, jobs } from "../../jobs/index.ts";
import { runJob } from "../../jobs/runner.ts";
import { createDeps } from "../deps.ts";
import { ConfigError, parseEnv } from "../env.ts";
import { resolveApiToken } from "../shared/api-token.ts";

/** `npm run job -- <name>`: runs one job now against the configured database and says what it did. */
const name = process.argv[2];
const job = name ? findJob(name) : undefined;
if (!job) {
  process.stderr.write(
    `${name ? `unknown job "${name}". ` : ""}usage: npm run job -- <name>\njobs:\n${jobs.map((j) => `  ${j.name.padEnd(22)} ${j.cron.padEnd(12)} ${j.description}`).join("\n")}\n`,
  );
  process.exit(2);
}
try {
  const config = parseEnv({ LOG_LEVEL: "warn", ...process.env });
  const deps = await createDeps(config, resolveApiToken(config.API_TOKEN, config.DATA_DIR).token);
  const started = performance.now();
  const rec = await runJob(deps, job, (line) => process.stdout.write(`${job.name}: ${line}\n`));
  const counts = Object.entries(rec.counts)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  process.stdout.write(
    `${job.name}: ${rec.outcome}${counts ? ` ${counts}` : ""}${rec.error ? ` (${rec.error})` : ""} in ${Math.round(performance.now() - started)} ms\n`,
  );
  await deps.close();
  process.exit(rec.outcome === "failed" ? 1 : 0);
} catch (e) {
  process.stderr.write(
    `anchorbot: ${e instanceof ConfigError ? e.message : e instanceof Error ? e.stack : String(e)}\n`,
  );
  process.exit(e instanceof ConfigError ? 2 : 1);
}
