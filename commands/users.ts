import { auditChat, type CommandDef } from "../bot/command.ts";
import { text } from "../bot/types.ts";
import { ROLE_LABELS } from "../src/chat/roles.ts";
import { listChatUsers, removeChatUser, setChatUser } from "../src/chat/users.ts";
import { AppError } from "../src/errors.ts";

/** 用户 / users — who may use the bot with which role; admins only, every change audited. */
export const users: CommandDef = {
  name: "用户",
  aliases: ["users", "user"],
  usage: ["用户", "用户 添加 <wecom|dingtalk> <用户ID> <角色> [姓名]", "用户 删除 <wecom|dingtalk> <用户ID>"],
  summary: "管理聊天用户和角色(管理员)",
  roles: ["admin"],
  async handle(ctx, { tokens }) {
    const [sub, platform, userId, role, ...name] = tokens;
    const op = sub?.toLowerCase();
    if (!op || op === "列表" || op === "list") {
      const all = await listChatUsers(ctx.deps.db);
      if (all.length === 0) return text("还没有用户。用法:用户 添加 wecom zhangsan agent 张三");
      return text(
        `用户(${all.length}):\n${all.map((u) => `• ${u.platform} ${u.userId}${u.name ? ` ${u.name}` : ""}:${ROLE_LABELS[u.role]}(${u.role})`).join("\n")}`,
      );
    }
    if (op === "添加" || op === "add" || op === "设置" || op === "set") {
      if (!platform || !userId || !role) throw new AppError("bad_request", "需要平台、用户ID和角色");
      const saved = await ctx.deps.writer.run(async (tx) => {
        const u = await setChatUser(tx, {
          platform,
          userId,
          role,
          name: name.join(" ") || null,
          by: ctx.user.id,
          now: ctx.now,
        });
        await auditChat(tx, ctx, "user.set", `user:${platform}:${userId}`, { role });
        return u;
      });
      return text(`已设置 ${saved.platform} ${saved.userId} 为 ${ROLE_LABELS[saved.role]}(${saved.role})。`);
    }
    if (op === "删除" || op === "remove" || op === "rm") {
      if (!platform || !userId) throw new AppError("bad_request", "需要平台和用户ID");
      const gone = await ctx.deps.writer.run(async (tx) => {
        const removed = await removeChatUser(tx, platform, userId);
        if (removed) await auditChat(tx, ctx, "user.remove", `user:${platform}:${userId}`);
        return removed;
      });
      if (!gone) throw new AppError("not_found", `用户 ${platform} ${userId}`);
      return text(`已删除 ${platform} ${userId}。`);
    }
    throw new AppError("bad_request", `不认识「${sub}」`);
  },
};
