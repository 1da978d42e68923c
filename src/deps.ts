import { loadRules, type RuleSet } from "./anchors/rules.ts";
import { type Database, type Db, openDatabase } from "./db/client.ts";
import { runMigrations } from "./db/migrate.ts";
import { createWriter, type Writer } from "./db/writer.ts";
import type { Config } from "./env.ts";
import { createProcessor, type Processor } from "./inbox/processor.ts";
import { createPushStore, type PushStore } from "./inbox/store-push.ts";
import { type ClosableLock, createLock } from "./lock/index.ts";
import { type Clock, systemClock } from "./shared/clock.ts";
import { createLogger, type Logger } from "./shared/logger.ts";
import { createMetrics, type Metrics } from "./shared/metrics.ts";
import { createTasks, type Tasks } from "./shared/tasks.ts";

/** Everything a handler needs, built once at the entry and passed down; tests build their own. */
export interface Deps {
  config: Config;
  database: Database;
  /** Reads. */
  db: Db;
  /** Every write goes through here (group commit). */
  writer: Writer;
  rules: RuleSet;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  tasks: Tasks;
  /** Stores the pushes of one event-loop turn in one statement. */
  pushStore: PushStore;
  /** Background processing of stored pushes. */
  processor: Processor;
  lock: ClosableLock;
  apiToken: string;
  close(): Promise<void>;
}

export interface DepsOverrides {
  clock?: Clock;
  logger?: Logger;
  lock?: ClosableLock;
}

export async function createDeps(
  config: Config,
  apiToken: string,
  overrides: DepsOverrides = {},
): Promise<Deps> {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const database = await openDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  await runMigrations(database.writeDb);
  const writer = createWriter(database.writeDb);
  const lock = overrides.lock ?? createLock({ redisUrl: config.REDIS_URL, logger });
  const tasks = createTasks(logger);
  const rules = loadRules();
  const clock = overrides.clock ?? systemClock;
  const metrics = createMetrics();
  const processor = createProcessor({ writer, rules, now: () => clock.now(), metrics, logger, tasks });
  return {
    config,
    database,
    db: database.db,
    writer,
    rules,
    clock,
    logger,
    metrics,
    tasks,
    pushStore: createPushStore(writer),
    processor,
    lock,
    apiToken,
    async close() {
      await tasks.drain();
      await writer.flush();
      await lock.close();
      database.close();
    },
  };
}
