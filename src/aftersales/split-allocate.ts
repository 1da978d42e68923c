import { AppError } from "../errors.ts";
import { splitColumns } from "./split-round.ts";
import type { AllocatedComponent, Allocation, SplitOrder, SplitPolicy } from "./split-types.ts";

const KINDS = new Set(["full_reduction", "coupon", "points", "other"]);

function cents(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new AppError("bad_request", `订单数据有误:${what} 必须是非负整数(单位:分),收到 ${String(value)}`);
  }
  return value;
}

function safeSum(values: readonly number[], what: string): number {
  const total = values.reduce((s, v) => s + v, 0);
  if (!Number.isSafeInteger(total)) throw new AppError("bad_request", `订单数据有误:${what} 超出可计算范围`);
  return total;
}

/** Refuses an order whose numbers could not have been paid: negative, fractional or unsafe. */
export function validateOrder(order: SplitOrder): void {
  if (order.lines.length === 0) throw new AppError("bad_request", "订单数据有误:订单没有商品行");
  const seen = new Set<number>();
  for (const [i, line] of order.lines.entries()) {
    const where = `第 ${i + 1} 个商品行`;
    if (!Number.isSafeInteger(line.lineNo)) {
      throw new AppError("bad_request", `订单数据有误:${where}的行号必须是整数,收到 ${String(line.lineNo)}`);
    }
    if (seen.has(line.lineNo)) throw new AppError("bad_request", `订单数据有误:行号 ${line.lineNo} 重复`);
    seen.add(line.lineNo);
    cents(line.qty, `第 ${line.lineNo} 行 ${line.sku} 的件数 qty`);
    cents(line.unitPrice, `第 ${line.lineNo} 行 ${line.sku} 的单价 unitPrice`);
    if (!Number.isSafeInteger(line.unitPrice * line.qty)) {
      throw new AppError("bad_request", `订单数据有误:第 ${line.lineNo} 行金额超出可计算范围`);
    }
  }
  for (const [i, d] of order.discounts.entries()) {
    if (!KINDS.has(d.kind)) {
      throw new AppError("bad_request", `订单数据有误:第 ${i + 1} 项优惠的类型 ${String(d.kind)} 不认识`);
    }
    cents(d.amount, `第 ${i + 1} 项优惠 ${d.name ?? d.kind} 的金额`);
  }
  cents(order.shippingFee, "运费 shippingFee");
  cents(order.actualPaid, "实付 actualPaid");
  if (order.shippingBorneBy !== "buyer" && order.shippingBorneBy !== "seller") {
    throw new AppError(
      "bad_request",
      `订单数据有误:运费承担方必须是 buyer 或 seller,收到 ${String(order.shippingBorneBy)}`,
    );
  }
  safeSum(
    order.lines.map((l) => l.unitPrice * l.qty),
    "商品金额合计",
  );
  safeSum(
    order.discounts.map((d) => d.amount),
    "优惠合计",
  );
}

/**
 * What each line's share of an order-level amount is weighed by: its goods value; a zero-valued
 * line (a gift) gets nothing. When every line is zero-valued, by units; with no units either, the
 * first line carries it so the amounts still add up.
 */
function shareWeights(order: SplitOrder): number[] {
  const goods = order.lines.map((l) => l.unitPrice * l.qty);
  if (goods.some((g) => g > 0)) return goods;
  if (order.lines.some((l) => l.qty > 0)) return order.lines.map((l) => l.qty);
  return order.lines.map((_, i) => (i === 0 ? 1 : 0));
}

/**
 * Each line's share, in cents, of every order-level component: every discount row on its own,
 * the adjustment that makes the order add up to actualPaid, and shipping when the policy spreads
 * it. The adjustment absorbs channel orders whose actualPaid disagrees with their own lines by a
 * few cents, so a whole order always refunds exactly what was paid.
 */
export function allocateShares(order: SplitOrder, policy: SplitPolicy = {}): Allocation {
  validateOrder(order);
  const mode = policy.shipping ?? "on_full_refund";
  const goods = order.lines.map((l) => l.unitPrice * l.qty);
  const buyerShipping = order.shippingBorneBy === "buyer" ? order.shippingFee : 0;
  // Shipping held back at order level is capped at what was paid: when a channel's discounts
  // covered the shipping too, holding back the full fee would leave the lines owing money.
  const heldShipping = mode === "proportional" ? 0 : Math.min(buyerShipping, order.actualPaid);
  const spreadShipping = mode === "proportional" ? buyerShipping : 0;
  const expected =
    safeSum(goods, "商品金额合计") -
    safeSum(
      order.discounts.map((d) => d.amount),
      "优惠合计",
    );
  const adjustment = order.actualPaid - (expected + heldShipping + spreadShipping);

  const components: AllocatedComponent[] = order.discounts.map((d) => ({
    component: d.kind,
    name: d.name,
    amount: 0 - d.amount,
  }));
  if (adjustment !== 0) components.push({ component: "adjustment", name: null, amount: adjustment });
  if (spreadShipping > 0) components.push({ component: "shipping", name: null, amount: spreadShipping });

  const table = splitColumns(
    components.map((c) => c.amount),
    shareWeights(order),
  );
  return {
    components,
    lines: order.lines.map((l, i) => ({
      lineNo: l.lineNo,
      sku: l.sku,
      qty: l.qty,
      goods: goods[i]!,
      shares: table[i]!,
    })),
    completionShipping: mode === "on_full_refund" ? heldShipping : 0,
    keptShipping: mode === "never" ? heldShipping : 0,
  };
}
