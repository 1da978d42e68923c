import { anchorLabel, logisticsLines, orderCard } from "../bot/cards/order-card.ts";
import type { CommandContext, CommandDef } from "../bot/command.ts";
import { card, type Reply, text } from "../bot/types.ts";
import { fillReply } from "../src/chat/kb.ts";
import { AppError } from "../src/errors.ts";
import { lookupOrder } from "../src/orders/index.ts";

/** The order card for what was typed (order no, waybill no or phone), and a note on other matches. */
export async function orderReplies(ctx: CommandContext, query: string): Promise<Reply[]> {
  const tz = ctx.deps.config.TZ_DISPLAY;
  const {
    order: o,
    kind,
    others,
    kbReply,
  } = await lookupOrder({ db: ctx.deps.db, hot: ctx.deps.database.hot, query });
  const suggested = kbReply
    ? fillReply(kbReply, {
        订单号: o.orderNo,
        状态: anchorLabel(o.anchor),
        物流: logisticsLines(o, tz)?.latest,
        运单号: o.shipments[0]?.waybillNo,
      })
    : null;
  const replies: Reply[] = [
    card(orderCard({ order: o, role: ctx.user.role, tz, now: ctx.now, suggestedReply: suggested })),
  ];
  if (others.length > 0)
    replies.push(
      text(
        `该${kind === "phone" ? "手机号" : "运单号"}还有 ${others.length} 个订单:${others.join("、")}。发送 查单 <订单号> 查看。`,
      ),
    );
  return replies;
}

/** 查单 / order — by order no, waybill no or buyer phone. */
export const order: CommandDef = {
  name: "查单",
  aliases: ["order", "查询", "订单"],
  usage: ["查单 <订单号|手机号|运单号>"],
  summary: "查订单:状态锚点、物流、商品金额、时间线、告警和建议回复",
  async handle(ctx, { tokens }) {
    const q = tokens.join("");
    if (!q)
      throw new AppError("bad_request", "请在 查单 后面写订单号、手机号或运单号,例如:查单 M20260118001");
    return orderReplies(ctx, q);
  },
};
