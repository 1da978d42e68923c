import type { CommandDef } from "../bot/command.ts";
import { matchCommand } from "../bot/router.ts";
import { text } from "../bot/types.ts";
import { describeRoles, roleAllows } from "../src/chat/roles.ts";

/** 帮助 / help — generated from the registered commands, so it never goes stale. */
export const help: CommandDef = {
  name: "帮助",
  aliases: ["help", "?", "？", "菜单"],
  usage: ["帮助", "帮助 <命令>"],
  summary: "列出可用命令,或查看一个命令的用法",
  async handle(ctx, { rest }) {
    if (rest) {
      const m = matchCommand(ctx.commands, rest);
      if (!m) return text(`没有「${rest}」这个命令。输入 帮助 查看全部命令。`);
      const d = m.def;
      const who = d.roles?.length ? `\n需要角色:${describeRoles(d.roles)}` : "";
      return text(
        `${d.name}(${d.aliases.filter((a) => /^[a-z-]+$/.test(a)).join(", ")})— ${d.summary}\n用法:\n${d.usage.map((u) => `  ${u}`).join("\n")}${who}`,
      );
    }
    const mine = ctx.commands.filter((d) => roleAllows(ctx.user.role, d.roles));
    const lines = mine.map((d) => {
      const en = d.aliases.find((a) => /^[a-z-]+$/.test(a));
      return `• ${d.usage[0]}${en ? `(${en})` : ""} — ${d.summary}`;
    });
    return text(
      `anchorbot 可用命令(你的角色:${ctx.user.role}):\n${lines.join("\n")}\n输入 帮助 <命令> 查看详细用法。`,
    );
  },
};
