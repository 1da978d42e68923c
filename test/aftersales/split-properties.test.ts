import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allocateShares,
  applyRefund,
  type DiscountKind,
  quoteRefund,
  type RefundedSoFar,
  type RefundQuote,
  type RefundRequestItem,
  type ShippingPolicy,
  type SplitOrder,
} from "../../src/aftersales/split.ts";
import { AppError } from "../../src/errors.ts";

const NOTHING: RefundedSoFar = { lines: [], shipping: false };
const KINDS: DiscountKind[] = ["full_reduction", "coupon", "points", "other"];

/** 1–6 lines, qty 1–5, 1–100000 cents (now and then a free gift line), discounts within goods. */
const orderArb: fc.Arbitrary<SplitOrder> = fc
  .record({
    lines: fc.array(
      fc.record({
        sku: fc.constantFrom("SKU-1", "SKU-2", "SKU-3"),
        qty: fc.integer({ min: 1, max: 5 }),
        unitPrice: fc.oneof(
          { weight: 1, arbitrary: fc.constant(0) },
          { weight: 9, arbitrary: fc.integer({ min: 1, max: 100_000 }) },
        ),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    discounts: fc.array(
      fc.record({
        kind: fc.constantFrom(...KINDS),
        name: fc.option(fc.constantFrom("满300减30", "店铺券", "平台补贴"), { nil: null }),
        raw: fc.integer({ min: 0, max: 200_000 }),
      }),
      { maxLength: 4 },
    ),
    shippingFee: fc.integer({ min: 0, max: 2_000 }),
    shippingBorneBy: fc.constantFrom("buyer" as const, "seller" as const),
    adjustment: fc.integer({ min: -50, max: 50 }),
  })
  .map((r) => {
    const lines = r.lines.map((l, i) => ({ lineNo: (i + 1) * 10, ...l }));
    const goods = lines.reduce((s, l) => s + l.unitPrice * l.qty, 0);
    // Each discount takes at most what the goods have left, so their total stays ≤ goods and
    // reaches it exactly now and then (the hardest case for rounding).
    let left = goods;
    const discounts = r.discounts.map((d) => {
      const amount = Math.min(d.raw, left);
      left -= amount;
      return { kind: d.kind, name: d.name, amount };
    });
    const buyerShipping = r.shippingBorneBy === "buyer" ? r.shippingFee : 0;
    const actualPaid = Math.max(0, left + buyerShipping + r.adjustment);
    return { lines, discounts, shippingFee: r.shippingFee, shippingBorneBy: r.shippingBorneBy, actualPaid };
  });

/** A refund plan: every unit of every line, in a random order, cut into random requests. */
function planArb(order: SplitOrder): fc.Arbitrary<RefundRequestItem[][]> {
  const units = order.lines.flatMap((l) => Array.from({ length: l.qty }, () => l.lineNo));
  return fc
    .record({
      perm: fc.shuffledSubarray(units, { minLength: units.length, maxLength: units.length }),
      cuts: fc.array(fc.boolean(), { minLength: units.length, maxLength: units.length }),
    })
    .map(({ perm, cuts }) => {
      const plan: RefundRequestItem[][] = [];
      let current: RefundRequestItem[] = [];
      perm.forEach((lineNo, i) => {
        // Consecutive units of a line merge into one item; a line can also recur in a request.
        const last = current.at(-1);
        if (last?.lineNo === lineNo) last.qty += 1;
        else current.push({ lineNo, qty: 1 });
        if (cuts[i] || i === perm.length - 1) {
          plan.push(current);
          current = [];
        }
      });
      return plan;
    });
}

const caseArb = (policies: ShippingPolicy[]) =>
  orderArb.chain((order) =>
    fc.record({
      order: fc.constant(order),
      plan: planArb(order),
      shipping: fc.constantFrom(...policies),
      pointsAsPoints: fc.boolean(),
    }),
  );

function run(
  order: SplitOrder,
  plan: RefundRequestItem[][],
  policy: Parameters<typeof quoteRefund>[0]["policy"],
) {
  let refunded = NOTHING;
  const quotes: RefundQuote[] = [];
  for (const request of plan) {
    const quote = quoteRefund({ order, refunded, request, policy });
    quotes.push(quote);
    refunded = applyRefund(refunded, quote);
  }
  return quotes;
}

const buyerShipping = (o: SplitOrder) => (o.shippingBorneBy === "buyer" ? o.shippingFee : 0);

describe("refund split properties", () => {
  it("splits every component over the lines so the shares add up to it exactly, each of its sign", () => {
    fc.assert(
      fc.property(
        orderArb,
        fc.constantFrom<ShippingPolicy>("on_full_refund", "proportional", "never"),
        (o, s) => {
          const a = allocateShares(o, { shipping: s });
          a.components.forEach((c, k) => {
            const shares = a.lines.map((l) => l.shares[k]!);
            expect(shares.reduce((x, y) => x + y, 0)).toBe(c.amount);
            for (const share of shares)
              expect(Math.sign(share) * Math.sign(c.amount)).toBeGreaterThanOrEqual(0);
          });
          // Each line's net share is within a cent of its exact share |net·W − all·w| < W, so no
          // line turns negative (or pays more than its part) because several rows rounded its way.
          const weights = o.lines.map((l) => BigInt(l.unitPrice * l.qty));
          const sum = weights.reduce((x, y) => x + y, 0n);
          const allShares = BigInt(a.components.reduce((x, c) => x + c.amount, 0));
          if (sum > 0n) {
            a.lines.forEach((l, i) => {
              const net = BigInt(l.shares.reduce((x, y) => x + y, 0));
              const gap = net * sum - allShares * weights[i]!;
              expect(gap < sum && gap > -sum, `line ${l.lineNo} net ${net} off its exact share`).toBe(true);
            });
          }
          expect(
            a.components.filter((c) => c.component !== "adjustment" && c.component !== "shipping"),
          ).toEqual(o.discounts.map((d) => ({ component: d.kind, name: d.name, amount: 0 - d.amount })));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refunds exactly actualPaid over any partition and order, never running past it", () => {
    fc.assert(
      fc.property(
        caseArb(["on_full_refund", "proportional"]),
        ({ order, plan, shipping, pointsAsPoints }) => {
          const quotes = run(order, plan, { shipping, pointsAsPoints });
          let running = 0;
          for (const q of quotes) {
            running += q.total;
            expect(running).toBeLessThanOrEqual(order.actualPaid);
            expect(q.total).toBe(q.lines.reduce((s, l) => s + l.total, q.shipping));
            for (const l of q.lines) expect(l.total).toBe(l.components.reduce((s, c) => s + c.amount, 0));
          }
          expect(running).toBe(order.actualPaid);
          expect(quotes.map((q) => q.completesOrder)).toEqual(quotes.map((_, i) => i === quotes.length - 1));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("under never refunds exactly actualPaid − buyer shipping (0 if shipping was more), and no shipping", () => {
    fc.assert(
      fc.property(caseArb(["never"]), ({ order, plan, pointsAsPoints }) => {
        const quotes = run(order, plan, { shipping: "never", pointsAsPoints });
        const kept = Math.min(buyerShipping(order), order.actualPaid);
        let running = 0;
        for (const q of quotes) {
          running += q.total;
          expect(running).toBeLessThanOrEqual(order.actualPaid - kept);
          expect(q.shipping).toBe(0);
          expect(q.lines.flatMap((l) => l.components).some((c) => c.component === "shipping")).toBe(false);
        }
        expect(running).toBe(order.actualPaid - kept);
      }),
      { numRuns: 200 },
    );
  });

  it("never pays a line back more than its goods, its shipping share and a positive adjustment share", () => {
    fc.assert(
      fc.property(caseArb(["on_full_refund", "proportional", "never"]), ({ order, plan, shipping }) => {
        const shares = allocateShares(order, { shipping });
        const cash = new Map<number, number>();
        for (const q of run(order, plan, { shipping })) {
          for (const l of q.lines) {
            const amount = (kind: string) =>
              l.components.filter((c) => c.component === kind).reduce((s, c) => s + c.amount, 0);
            // Per refund: discount rows only take away, so cash ≤ goods + shipping + adjustment > 0.
            for (const c of l.components) {
              if (c.component !== "goods" && c.component !== "shipping" && c.component !== "adjustment") {
                expect(c.amount).toBeLessThan(0);
              }
            }
            expect(l.total).toBeLessThanOrEqual(
              amount("goods") + amount("shipping") + Math.max(0, amount("adjustment")),
            );
            cash.set(l.lineNo, (cash.get(l.lineNo) ?? 0) + l.total);
          }
        }
        // Whole line: exactly its goods plus all its shares, which is within the same bound.
        for (const line of shares.lines) {
          const bonus = shares.components.reduce((s, c, k) => {
            const share = line.shares[k]!;
            return c.component === "shipping" || (c.component === "adjustment" && share > 0) ? s + share : s;
          }, 0);
          const full = line.goods + line.shares.reduce((s, x) => s + x, 0);
          expect(cash.get(line.lineNo) ?? 0).toBe(line.qty === 0 ? 0 : full);
          expect(full).toBeLessThanOrEqual(line.goods + bonus);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("refuses any request past a line's remainder and leaves the refund state as it was", () => {
    fc.assert(
      fc.property(
        caseArb(["on_full_refund", "proportional"]),
        fc.nat(),
        fc.nat(),
        ({ order, plan }, at, pick) => {
          let refunded = NOTHING;
          let total = 0;
          const step = at % plan.length;
          plan.forEach((request, i) => {
            if (i === step) {
              const line = order.lines[pick % order.lines.length]!;
              const done = refunded.lines
                .filter((r) => r.lineNo === line.lineNo)
                .reduce((s, r) => s + r.qty, 0);
              const snapshot = structuredClone(refunded);
              const tooMany = line.qty - done + 1;
              let error: unknown;
              try {
                quoteRefund({ order, refunded, request: [{ lineNo: line.lineNo, qty: tooMany }] });
              } catch (e) {
                error = e;
              }
              expect(error).toBeInstanceOf(AppError);
              expect((error as AppError).code).toBe("bad_request");
              expect((error as AppError).message).toBe(
                `第 ${line.lineNo} 行 ${line.sku} 只剩 ${line.qty - done} 件可退,不能退 ${tooMany} 件`,
              );
              expect(refunded).toEqual(snapshot);
            }
            const q = quoteRefund({ order, refunded, request });
            total += q.total;
            refunded = applyRefund(refunded, q);
          });
          expect(total).toBe(order.actualPaid);
          // Everything is refunded now: any further unit is refused.
          expect(() =>
            quoteRefund({ order, refunded, request: [{ lineNo: order.lines[0]!.lineNo, qty: 1 }] }),
          ).toThrow(AppError);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("returns the points discounts as points over a full refund, or nothing when forfeited, with the same cash", () => {
    fc.assert(
      fc.property(caseArb(["on_full_refund", "proportional"]), ({ order, plan, shipping }) => {
        const kept = run(order, plan, { shipping, pointsAsPoints: true });
        const lost = run(order, plan, { shipping, pointsAsPoints: false });
        const points = order.discounts.filter((d) => d.kind === "points").reduce((s, d) => s + d.amount, 0);
        expect(kept.reduce((s, q) => s + q.pointsReturned, 0)).toBe(points);
        expect(lost.reduce((s, q) => s + q.pointsReturned, 0)).toBe(0);
        expect(lost.map((q) => q.total)).toEqual(kept.map((q) => q.total));
      }),
      { numRuns: 200 },
    );
  });
});
