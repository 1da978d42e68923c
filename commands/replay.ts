import { auditChat, type CommandDef } from "../bot/command.ts";
import { text } from "../bot/types.ts";
import { replayPush } from "../src/inbox/index.ts";

/** 重放 <id> / replay — processes a failed or dead inbox push again (admins, after a fix). */
export const replay: CommandDef = {
  name: "重放",
  aliases: ["replay"],
  usage: ["重放 <inbox 编号>(如 重放 123;失败列表见 npm run inbox -- list)"],
  summary: "重新处理一个处理失败的推送(修复映射或规则之后)",
  roles: ["admin"],
  async handle(ctx, { tokens }) {
    const arg = (tokens[0] ?? "").replace(/^#/, "");
    if (!/^\d+$/.test(arg)) return text("请给出 inbox 编号,例如:重放 123(失败列表:npm run inbox -- list)");
    const id = Number(arg);
    const { db, writer, processor } = ctx.deps;
    const out = await replayPush({ db, writer, processor, id });
    await writer.run((tx) => auditChat(tx, ctx, "inbox.replay", `inbox:${id}`, { status: out.status }));
    if (out.status === "processed")
      return text(`inbox #${id}(${out.source})已重新处理成功,涉及 ${out.results.length} 个事件。`);
    return text(
      `inbox #${id}(${out.source})重新处理仍失败(${out.status === "dead" ? "已放弃" : "稍后自动重试"}):${out.error}`,
    );
  },
};
