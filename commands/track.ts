import { anchorLabel, logisticsLines } from "../bot/cards/order-card.ts";
import type { CommandContext, CommandDef } from "../bot/command.ts";
import { shortTime } from "../bot/text.ts";
import { type Reply, text } from "../bot/types.ts";
import { AppError } from "../src/errors.ts";
import { findOrderNos, lookupOrder } from "../src/orders/index.ts";

/** The logistics of one order in words: every waybill, its latest node, pickup, delivery and ETA. */
export async function trackReply(ctx: CommandContext, orderNo: string): Promise<Reply> {
  const tz = ctx.deps.config.TZ_DISPLAY;
  const { order: o } = await lookupOrder({ db: ctx.deps.db, hot: ctx.deps.database.hot, query: orderNo });
  if (o.shipments.length === 0)
    return text(`订单 ${o.orderNo}(${anchorLabel(o.anchor)})还没有运单。仓库发货后会自动更新。`);
  const out = [`订单 ${o.orderNo} 物流(${anchorLabel(o.anchor)}):`];
  for (const s of o.shipments) {
    out.push(`• ${s.carrier ?? "快递"} ${s.waybillNo}${s.state ? ` [${s.state}]` : ""}`);
    out.push(
      `  最新:${s.lastNodeText ? `${shortTime(s.lastNodeAt, tz)} ${s.lastNodeArea ? `${s.lastNodeArea} ` : ""}${s.lastNodeText}` : "暂无轨迹"}`,
    );
    out.push(`  揽收:${shortTime(s.pickedUpAt, tz)} · 签收:${shortTime(s.signedAt, tz)}`);
  }
  const l = logisticsLines(o, tz);
  if (l) out.push(`预计送达:${l.eta}`);
  return text(out.join("\n"));
}

/** 物流 / track — by order no, waybill no or phone. */
export const track: CommandDef = {
  name: "物流",
  aliases: ["track", "快递"],
  usage: ["物流 <订单号|运单号|手机号>"],
  summary: "查物流:最新节点、揽收签收时间和预计送达",
  async handle(ctx, { tokens }) {
    const q = tokens.join("");
    if (!q) throw new AppError("bad_request", "请在 物流 后面写订单号或运单号,例如:物流 M20260118001");
    const found = await findOrderNos(ctx.deps.db, q, 3);
    return Promise.all(found.orderNos.map((no) => trackReply(ctx, no)));
  },
};
