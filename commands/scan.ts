import { auditChat, type CommandDef } from "../bot/command.ts";
import { yuan } from "../bot/text.ts";
import { text } from "../bot/types.ts";
import { STATUS_LABELS, scanReturn } from "../src/aftersales/index.ts";

/** 扫码 / scan — the warehouse sends the scanned order QR text: the return goes back to stock. */
export const scan: CommandDef = {
  name: "扫码",
  aliases: ["scan", "收货"],
  usage: ["扫码 <订单二维码内容>"],
  summary: "退货收货:扫订单二维码,退回库存并推进售后",
  roles: ["warehouse", "supervisor", "manager"],
  async handle(ctx, { rest }) {
    const r = await ctx.deps.writer.run(async (tx) => {
      const x = await scanReturn(tx, {
        secret: ctx.deps.aftersale.qrSecret,
        code: rest,
        by: ctx.user.id,
        now: ctx.now,
      });
      if (x.ok) await auditChat(tx, ctx, "return.receive", `aftersale:${x.caseId}`);
      return x;
    });
    if (!r.ok) return text(`⛔ ${r.message}${r.orderNo ? `(订单 ${r.orderNo})` : ""}`);
    return text(
      `✅ 订单 ${r.orderNo} 退货已入库:${r.lines.map((l) => `${l.sku}×${l.qty}`).join(",")},冲回成本 ${yuan(r.costReversed)};售后 #${r.caseId} ${STATUS_LABELS[r.status]}`,
    );
  },
};
