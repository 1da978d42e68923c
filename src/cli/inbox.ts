import { createDeps } from "../deps.ts";
import { ConfigError, parseEnv } from "../env.ts";
import { AppError } from "../errors.ts";
import { listFailedPushes, replayPush } from "../inbox/index.ts";
import { resolveApiToken } from "../shared/api-token.ts";

const USAGE = `usage:
  npm run inbox -- list [--source <source>] [--limit <n>]   pushes whose processing failed or was given up
  npm run inbox -- replay <id>                               process a failed or dead push again now
`;

/** `npm run inbox -- list|replay <id>`: the inbox's failed pushes, and replaying one after a fix. */
async function main(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  const flag = (name: string) => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  if (cmd !== "list" && cmd !== "replay") {
    process.stderr.write(`${cmd ? `unknown command "${cmd}". ` : ""}${USAGE}`);
    return 2;
  }
  const limit = Number(flag("limit") ?? 50);
  if (cmd === "list" && (!Number.isInteger(limit) || limit < 1)) {
    process.stderr.write(`--limit expects a positive whole number\n${USAGE}`);
    return 2;
  }
  if (cmd === "replay" && !/^\d+$/.test(rest[0] ?? "")) {
    process.stderr.write(`replay needs an inbox id, e.g. npm run inbox -- replay 123\n${USAGE}`);
    return 2;
  }
  const config = parseEnv({ LOG_LEVEL: "warn", ...process.env });
  const deps = await createDeps(config, resolveApiToken(config.API_TOKEN, config.DATA_DIR).token);
  try {
    if (cmd === "list") {
      const rows = await listFailedPushes(deps.db, { source: flag("source"), limit });
      if (rows.length === 0) process.stdout.write("no failed or dead pushes\n");
      for (const r of rows) {
        const at = new Date(r.receivedAt).toISOString();
        process.stdout.write(
          `#${r.id}  ${r.status.padEnd(6)} ${r.source}/${r.kind ?? "-"}  ${at}  attempts=${r.attempts}  ${r.error ?? ""}\n`,
        );
      }
      return 0;
    }
    const out = await replayPush({
      db: deps.db,
      writer: deps.writer,
      processor: deps.processor,
      id: Number(rest[0]),
    });
    process.stdout.write(`#${out.id} ${out.source}: ${out.status}${out.error ? ` (${out.error})` : ""}\n`);
    return out.status === "processed" ? 0 : 1;
  } finally {
    await deps.close();
  }
}

try {
  process.exit(await main(process.argv.slice(2)));
} catch (e) {
  const message =
    e instanceof ConfigError || e instanceof AppError ? e.message : e instanceof Error ? e.stack : String(e);
  process.stderr.write(`anchorbot: ${message}\n`);
  process.exit(e instanceof ConfigError ? 2 : 1);
}
