import { openDatabase } from "../db/client.ts";
import { runMigrations } from "../db/migrate.ts";
import { ConfigError, parseEnv } from "../env.ts";
import { rebuildFacts } from "../facts/index.ts";

/**
 * `npm run facts:rebuild`: throws the paid-order fact table away and builds it again from the
 * orders and their event log, in one transaction (writes wait meanwhile: about 30 s per million
 * orders on the embedded file, see `npm run bench -- metrics`).
 */
try {
  const config = parseEnv({ LOG_LEVEL: "warn", ...process.env });
  const database = await openDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  await runMigrations(database.writeDb);
  const started = performance.now();
  const { rows } = await database.writeDb.transaction((tx) => rebuildFacts(tx, Date.now()));
  database.close();
  process.stdout.write(
    `order_facts rebuilt: ${rows} paid orders in ${Math.round(performance.now() - started)} ms\n`,
  );
} catch (e) {
  process.stderr.write(
    `anchorbot: ${e instanceof ConfigError ? e.message : e instanceof Error ? e.stack : String(e)}\n`,
  );
  process.exit(e instanceof ConfigError ? 2 : 1);
}
