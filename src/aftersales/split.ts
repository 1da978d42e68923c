import { allocateShares } from "./split-allocate.ts";
import { normalizeRequest, refundedUnits } from "./split-request.ts";
import { mulDivFloor } from "./split-round.ts";
import type {
  RefundComponent,
  RefundedSoFar,
  RefundLine,
  RefundQuote,
  RefundRequestItem,
  SplitOrder,
  SplitPolicy,
} from "./split-types.ts";

export { allocateShares, validateOrder } from "./split-allocate.ts";
export { formatCents, formatQuote } from "./split-format.ts";
export { resolveRequest } from "./split-request.ts";
export { largestRemainder } from "./split-round.ts";
export type * from "./split-types.ts";

/**
 * How much of a line's share `s` is refunded once `n` of its `qty` units are: floor(s × n / qty),
 * and exactly `s` at the last unit. Each refund takes the difference, which telescopes, so any
 * partition of the units in any order pays `s` exactly. The floor is toward −∞ for discounts too
 * (rather than mirrored toward zero): a partial refund then never pays back more than the line's
 * proportional net, which is what keeps every running total within actualPaid. The price is that
 * a partial refund of a line whose discounts eat almost all of it can be a cent or two below zero;
 * the line's later refund pays those cents back.
 */
export function refundedPart(s: number, n: number, qty: number): number {
  if (n >= qty) return s;
  if (n <= 0) return 0;
  return mulDivFloor(s, n, qty);
}

/**
 * Quotes a refund by atomic split (原子拆分): each requested unit takes back its line's goods and
 * its share of every discount, adjustment and (by policy) shipping, less what earlier refunds of
 * the same line already took. Pure: `refunded` is read, never changed; see `applyRefund`.
 */
export function quoteRefund(args: {
  order: SplitOrder;
  refunded?: RefundedSoFar;
  request: readonly RefundRequestItem[];
  policy?: SplitPolicy;
}): RefundQuote {
  const { order, policy = {} } = args;
  const refunded = args.refunded ?? { lines: [], shipping: false };
  const alloc = allocateShares(order, policy);
  const done = refundedUnits(order, refunded);
  const want = normalizeRequest(order, done, args.request);
  const pointsAsPoints = policy.pointsAsPoints ?? true;

  let pointsReturned = 0;
  const lines: RefundLine[] = [];
  for (const [i, line] of order.lines.entries()) {
    const k = want.get(line.lineNo);
    if (k === undefined) continue;
    const before = done.get(line.lineNo)!;
    const components: RefundComponent[] = [{ component: "goods", name: null, amount: line.unitPrice * k }];
    for (const [c, comp] of alloc.components.entries()) {
      // Shipping already paid back whole must not come back again through the lines.
      if (comp.component === "shipping" && refunded.shipping) continue;
      const s = alloc.lines[i]!.shares[c]!;
      const amount = refundedPart(s, before + k, line.qty) - refundedPart(s, before, line.qty);
      if (amount === 0) continue;
      components.push({ component: comp.component, name: comp.name, amount });
      if (comp.component === "points") pointsReturned -= amount;
    }
    const total = components.reduce((s, c) => s + c.amount, 0);
    lines.push({ lineNo: line.lineNo, sku: line.sku, qty: k, components, total });
  }

  const completesOrder = order.lines.every((l) => done.get(l.lineNo)! + (want.get(l.lineNo) ?? 0) === l.qty);
  const shipping = completesOrder && !refunded.shipping ? alloc.completionShipping : 0;
  return {
    lines,
    total: lines.reduce((s, l) => s + l.total, shipping),
    pointsReturned: pointsAsPoints ? pointsReturned : 0,
    shipping,
    completesOrder,
  };
}

/** The refunded-so-far state after an approved quote, for the next quote of the same order. */
export function applyRefund(refunded: RefundedSoFar, quote: RefundQuote): RefundedSoFar {
  return {
    lines: [...refunded.lines, ...quote.lines.map((l) => ({ lineNo: l.lineNo, qty: l.qty }))],
    shipping: refunded.shipping || quote.shipping > 0,
  };
}
