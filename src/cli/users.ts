import { parseArgs } from "node:util";
import { audit } from "../chat/audit.ts";
import { listChatUsers, removeChatUser, setChatUser } from "../chat/users.ts";
import { createDeps } from "../deps.ts";
import { ConfigError, parseEnv } from "../env.ts";
import { AppError } from "../errors.ts";
import { resolveApiToken } from "../shared/api-token.ts";

const USAGE = `usage:
  npm run users -- list
  npm run users -- add <wecom|dingtalk|console> <user id> <role> [name]
  npm run users -- remove <wecom|dingtalk|console> <user id>
roles: agent, supervisor, manager, ops, warehouse, purchasing, finance, admin`;

/** `npm run users` — maps WeCom userids / DingTalk staffIds to roles; every change is audited. */
async function main() {
  const { positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true });
  const [op, platform, userId, role, ...name] = positionals;
  if (!op || !["list", "add", "remove"].includes(op)) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  let config: ReturnType<typeof parseEnv>;
  try {
    config = parseEnv({ LOG_LEVEL: "warn", ...process.env });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`anchorbot users: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const deps = await createDeps(config, resolveApiToken(config.API_TOKEN, config.DATA_DIR).token);
  const now = deps.clock.now();
  const by = `cli:${process.env.USER ?? "operator"}`;
  try {
    if (op === "list") {
      const all = await listChatUsers(deps.db);
      for (const u of all) process.stdout.write(`${u.platform}\t${u.userId}\t${u.role}\t${u.name ?? ""}\n`);
      if (all.length === 0) process.stdout.write("no users yet\n");
    } else if (op === "add") {
      if (!platform || !userId || !role)
        throw new AppError("bad_request", `add needs a platform, a user id and a role\n${USAGE}`);
      const u = await deps.writer.run(async (tx) => {
        const saved = await setChatUser(tx, {
          platform,
          userId,
          role,
          name: name.join(" ") || null,
          by,
          now,
        });
        await audit(tx, {
          at: now,
          platform: "cli",
          userId: by,
          role: "admin",
          action: "user.set",
          subject: `user:${platform}:${userId}`,
          detail: { role },
        });
        return saved;
      });
      process.stdout.write(`${u.platform} ${u.userId} is now ${u.role}\n`);
    } else {
      if (!platform || !userId)
        throw new AppError("bad_request", `remove needs a platform and a user id\n${USAGE}`);
      const gone = await deps.writer.run(async (tx) => {
        const removed = await removeChatUser(tx, platform, userId);
        if (removed)
          await audit(tx, {
            at: now,
            platform: "cli",
            userId: by,
            role: "admin",
            action: "user.remove",
            subject: `user:${platform}:${userId}`,
          });
        return removed;
      });
      process.stdout.write(
        gone ? `removed ${platform} ${userId}\n` : `no such user: ${platform} ${userId}\n`,
      );
      if (!gone) process.exitCode = 1;
    }
  } catch (e) {
    if (e instanceof AppError) {
      process.stderr.write(`anchorbot users: ${e.message}\n`);
      process.exitCode = 2;
    } else throw e;
  } finally {
    await deps.close();
  }
}

main().catch((err) => {
  process.stderr.write(`anchorbot users: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
