import { anchorLabel, logisticsLines, orderCard } from "../bot/cards/order-card.ts";
import type { CommandContext, CommandDef } from "../bot/command.ts";
import { card, type Reply, text } from "../bot/types.ts";
import { fillReply, searchKb } from "../src/chat/kb.ts";
import { AppError } from "../src/errors.ts";
import { findOrderNos, lookupOrder, type OrderSummary } from "../src/orders/index.ts";

/** The standard reply for the order's stage, filled with its numbers. */
async function suggestedReply(ctx: CommandContext, o: OrderSummary): Promise<string | null> {
  const [entry] = await searchKb(ctx.deps.db, anchorLabel(o.anchor));
  if (!entry) return null;
  const logistics = logisticsLines(o, ctx.deps.config.TZ_DISPLAY);
  return fillReply(entry.reply, {
    订单号: o.orderNo,
    状态: anchorLabel(o.anchor),
    物流: logistics?.latest,
    运单号: o.shipments[0]?.waybillNo,
  });
}

/** The order card for a look-up, as the router hands it to any platform. */
export async function orderReply(ctx: CommandContext, orderNo: string): Promise<Reply> {
  const o = await lookupOrder({ db: ctx.deps.db, orderNo });
  return card(
    orderCard({
      order: o,
      role: ctx.user.role,
      tz: ctx.deps.config.TZ_DISPLAY,
      now: ctx.now,
      suggestedReply: await suggestedReply(ctx, o),
    }),
  );
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
    const found = await findOrderNos(ctx.deps.db, q);
    const [first, ...more] = found.orderNos;
    if (!first) throw new AppError("not_found", q);
    const replies: Reply[] = [await orderReply(ctx, first)];
    if (more.length > 0)
      replies.push(
        text(
          `该${found.kind === "phone" ? "手机号" : "运单号"}还有 ${more.length} 个订单:${more.join("、")}。发送 查单 <订单号> 查看。`,
        ),
      );
    return replies;
  },
};
