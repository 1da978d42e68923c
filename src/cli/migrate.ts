import { openDatabase } from "../db/client.ts";
import { runMigrations } from "../db/migrate.ts";
import { ConfigError, parseEnv } from "../env.ts";

/** `npm run db:migrate`: apply migrations to DATABASE_URL and exit. */
try {
  const config = parseEnv(process.env);
  const database = await openDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  await runMigrations(database.writeDb);
  database.close();
  process.stdout.write(`migrations applied to ${config.DATABASE_URL.replace(/\/\/[^@]*@/, "//***@")}\n`);
} catch (e) {
  process.stderr.write(
    `anchorbot: ${e instanceof ConfigError ? e.message : e instanceof Error ? e.stack : String(e)}\n`,
  );
  process.exit(e instanceof ConfigError ? 2 : 1);
}
