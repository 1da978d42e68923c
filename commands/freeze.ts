import { auditChat, type CommandDef } from "../bot/command.ts";
import { text } from "../bot/types.ts";
import { findFreeze, freezeBuyer, freezeKey, unfreezeBuyer } from "../src/aftersales/index.ts";
import { SUPERVISORS } from "../src/chat/roles.ts";
import { AppError } from "../src/errors.ts";

/** 冻结 / freeze — a customer's new orders are held for review. */
export const freeze: CommandDef = {
  name: "冻结",
  aliases: ["freeze"],
  usage: ["冻结 <买家ID|手机号> [原因]"],
  summary: "冻结客户:新订单暂停,待审核放行",
  roles: SUPERVISORS,
  async handle(ctx, { tokens }) {
    const [who, ...why] = tokens;
    const key = freezeKey(who ?? "");
    const reason = why.join(" ").trim() || "主管手动冻结";
    const r = await ctx.deps.writer.run(async (tx) => {
      const f = await freezeBuyer(tx, { key, reason, by: ctx.user.id, now: ctx.now });
      if (f.created) await auditChat(tx, ctx, "buyer.freeze", `buyer:${key}`, { reason });
      return f;
    });
    if (!r.created) {
      const existing = await findFreeze(ctx.deps.db, [key]);
      return text(`客户 ${key} 已经是冻结状态(${existing?.reason ?? ""})。`);
    }
    return text(`已冻结客户 ${key}:${reason}。其新订单将暂停等待审核;解冻:解冻 ${key}`);
  },
};

/** 解冻 / unfreeze — lifts a freeze (manual or from the SLA breaker). */
export const unfreeze: CommandDef = {
  name: "解冻",
  aliases: ["unfreeze"],
  usage: ["解冻 <买家ID|手机号>"],
  summary: "解冻客户",
  roles: SUPERVISORS,
  async handle(ctx, { tokens }) {
    const key = freezeKey(tokens[0] ?? "");
    const lifted = await ctx.deps.writer.run(async (tx) => {
      const ok = await unfreezeBuyer(tx, key);
      if (ok) await auditChat(tx, ctx, "buyer.unfreeze", `buyer:${key}`);
      return ok;
    });
    if (!lifted) throw new AppError("not_found", `冻结记录:客户 ${key} 没有被冻结`);
    return text(`已解冻客户 ${key}。已暂停的订单请在订单卡片上放行或取消。`);
  },
};
