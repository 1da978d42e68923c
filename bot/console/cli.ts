import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { registerCommands } from "../../commands/index.ts";
import { isRole } from "../../src/chat/roles.ts";
import { createDeps } from "../../src/deps.ts";
import { ConfigError, parseEnv } from "../../src/env.ts";
import { resolveApiToken } from "../../src/shared/api-token.ts";
import { createBot } from "../router.ts";
import { createConsoleSession } from "./session.ts";

/**
 * `npm run chat` — an interactive prompt on the configured database; `npm run chat -- "查单 M1"`
 * runs one command and exits. `--user` picks who you are; `--role` acts as a role without a
 * mapping (the console is the local operator's, so an unmapped user is an admin).
 */
async function main() {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: {
      user: { type: "string", default: "console" },
      role: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write('usage: npm run chat [-- --user <id>] [--role <role>] ["查单 M1"]\n');
    return;
  }
  if (values.role !== undefined && !isRole(values.role)) {
    process.stderr.write(
      `anchorbot chat: unknown role "${values.role}": use agent, supervisor, manager, ops, warehouse, purchasing, finance or admin\n`,
    );
    process.exit(2);
  }
  let config: ReturnType<typeof parseEnv>;
  try {
    config = parseEnv({ LOG_LEVEL: "warn", ...process.env });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`anchorbot chat: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const token = resolveApiToken(config.API_TOKEN, config.DATA_DIR);
  const deps = await createDeps(config, token.token);
  const bot = registerCommands(createBot(deps, { defaultRole: "admin" }));
  const session = createConsoleSession({
    bot,
    clock: deps.clock,
    userId: values.user,
    role: values.role !== undefined && isRole(values.role) ? values.role : undefined,
  });
  try {
    const oneShot = positionals.join(" ").trim();
    if (oneShot) {
      process.stdout.write(`${await session.run(oneShot)}\n`);
      return;
    }
    const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "anchorbot> " });
    process.stdout.write("anchorbot 控制台。输入 帮助 查看命令,数字点击卡片按钮,Ctrl+D 退出。\n");
    rl.prompt();
    for await (const line of rl) {
      if (line.trim()) process.stdout.write(`${await session.run(line)}\n`);
      rl.prompt();
    }
  } finally {
    await deps.close();
  }
}

main().catch((err) => {
  process.stderr.write(`anchorbot chat: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
