import type { CommandDef } from "../bot/command.ts";
import { text } from "../bot/types.ts";
import {
  orderMoney,
  parseLineSpec,
  quoteRefund,
  refundedUnits,
  resolveLines,
} from "../src/aftersales/index.ts";
import { formatQuote } from "../src/aftersales/split.ts";
import { AppError } from "../src/errors.ts";

/** 退款试算 / refund-quote — what each line would get back, component by component, nothing written. */
export const refundQuote: CommandDef = {
  name: "退款试算",
  aliases: ["refund-quote", "quote"],
  usage: ["退款试算 <订单号> <SKU>x<数量> …"],
  summary: "试算退款:每行按 商品/满减/优惠券/积分/其他/运费 拆到分",
  async handle(ctx, { tokens }) {
    const [orderNo, ...specs] = tokens;
    if (!orderNo || specs.length === 0)
      throw new AppError("bad_request", "请写订单号和商品,例如:退款试算 M20260118001 SKU-1x1 SKU-2x2");
    const { money } = await orderMoney(ctx.deps.db, orderNo);
    const done = await refundedUnits(ctx.deps.db, orderNo);
    const lines = resolveLines(money, specs.map(parseLineSpec), done.units);
    const quote = quoteRefund({
      order: money,
      refunded: { lines: [...done.units].map(([lineNo, qty]) => ({ lineNo, qty })), shipping: done.shipping },
      request: lines.map((l) => ({ lineNo: l.lineNo, qty: l.qty })),
      policy: ctx.deps.aftersale.policy,
    });
    return text(
      `订单 ${orderNo} 退款试算(实付 ${(money.actualPaid / 100).toFixed(2)} 元):\n${formatQuote(quote)}`,
    );
  },
};
