import { auditChat, type CommandDef, requireRole } from "../bot/command.ts";
import { text } from "../bot/types.ts";
import { listKb, searchKb, upsertKb } from "../src/chat/kb.ts";
import { SUPERVISORS } from "../src/chat/roles.ts";
import { AppError } from "../src/errors.ts";

/** 话术 / reply — the knowledge base of standard replies; supervisors edit it. */
export const reply: CommandDef = {
  name: "话术",
  aliases: ["reply", "kb"],
  usage: ["话术 <关键词>", "话术 列表", "话术 添加 <关键词> <标准回复>"],
  summary: "查标准回复(知识库);主管可添加或修改",
  async handle(ctx, { tokens, rest }) {
    const sub = tokens[0]?.toLowerCase();
    if (sub === "添加" || sub === "add" || sub === "修改" || sub === "set") {
      requireRole(ctx.user, SUPERVISORS, "话术 添加");
      const keyword = tokens[1];
      const body = rest.slice(rest.indexOf(keyword ?? "") + (keyword?.length ?? 0)).trim();
      if (!keyword || !body)
        throw new AppError("bad_request", "请写关键词和回复,例如:话术 添加 催发货 亲,已为您加急催促仓库~");
      const saved = await ctx.deps.writer.run(async (tx) => {
        const r = await upsertKb(tx, { keyword, reply: body, by: ctx.user.id, now: ctx.now });
        await auditChat(tx, ctx, "kb.upsert", `kb:${keyword}`, {
          keyword,
          reply: body,
          previous: r.previous,
        });
        return r;
      });
      return text(`${saved.previous ? "已修改" : "已添加"}话术「${saved.keyword}」:${saved.reply}`);
    }
    if (!sub || sub === "列表" || sub === "list") {
      const all = await listKb(ctx.deps.db);
      return text(
        `话术关键词(${all.length}):${all.map((e) => e.keyword).join("、")}\n发送 话术 <关键词> 查看内容。`,
      );
    }
    const found = await searchKb(ctx.deps.db, rest);
    if (found.length === 0) return text(`没有和「${rest}」相关的话术。发送 话术 列表 查看全部关键词。`);
    return text(found.map((e) => `【${e.keyword}】${e.reply}`).join("\n"));
  },
};
