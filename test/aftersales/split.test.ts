import { describe, expect, it } from "vitest";
import {
  allocateShares,
  applyRefund,
  formatCents,
  formatQuote,
  quoteRefund,
  type RefundedSoFar,
  resolveRequest,
  type SplitOrder,
} from "../../src/aftersales/split.ts";
import { AppError } from "../../src/errors.ts";

const NOTHING: RefundedSoFar = { lines: [], shipping: false };

/** The release-note order: 满减 + 优惠券 + 积分, shipping paid by the buyer. */
const demo: SplitOrder = {
  lines: [
    { lineNo: 1, sku: "SKU-A", qty: 2, unitPrice: 5990 },
    { lineNo: 2, sku: "SKU-B", qty: 1, unitPrice: 12900 },
    { lineNo: 3, sku: "SKU-C", qty: 3, unitPrice: 1990 },
  ],
  discounts: [
    { kind: "full_reduction", name: "满300减30", amount: 3000 },
    { kind: "coupon", name: "店铺券", amount: 1500 },
    { kind: "points", name: null, amount: 500 },
  ],
  shippingFee: 1000,
  shippingBorneBy: "buyer",
  // goods 11980 + 12900 + 5970 = 30850; − 3000 − 1500 − 500 = 25850; + shipping 1000 = 26850
  actualPaid: 26850,
};

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected an AppError, got none");
}

describe("worked example (release note)", () => {
  // Goods per line: A 2 × 5990 = 11980, B 12900, C 3 × 1990 = 5970; G = 30850.
  // 满减 3000: A 3000·11980/30850 = 1164.99, B 1254.46, C 580.55 → floors 1164+1254+580 = 2998,
  //   2 cents left go to the largest remainders A (.99) and C (.55) → A 1165, B 1254, C 581.
  // 优惠券 1500: A 582.50, B 627.23, C 290.28 → floors 1499, 1 cent to A → A 583, B 627, C 290.
  // 积分 500: A 194.17, B 209.08, C 96.76 → floors 499, 1 cent to C → A 194, B 209, C 97.
  // Line nets: A 11980−1165−583−194 = 10038, B 12900−1254−627−209 = 10810, C 5970−581−290−97 = 5002.
  it("splits each discount row across lines by largest remainder", () => {
    const a = allocateShares(demo);
    expect(a.lines.map((l) => l.shares)).toEqual([
      [-1165, -583, -194],
      [-1254, -627, -209],
      [-581, -290, -97],
    ]);
    expect(a.completionShipping).toBe(1000);
  });

  it("refunds 1 × SKU-A, then everything else, to exactly what was paid", () => {
    // One of A's two units: floor(share × 1 / 2), rounded toward −∞ for discounts:
    // 满减 floor(−1165/2) = −583, 券 floor(−583/2) = −292, 积分 −194/2 = −97;
    // 5990 − 583 − 292 − 97 = 5018.
    const first = quoteRefund({ order: demo, request: [{ lineNo: 1, qty: 1 }] });
    expect(first).toEqual({
      lines: [
        {
          lineNo: 1,
          sku: "SKU-A",
          qty: 1,
          components: [
            { component: "goods", name: null, amount: 5990 },
            { component: "full_reduction", name: "满300减30", amount: -583 },
            { component: "coupon", name: "店铺券", amount: -292 },
            { component: "points", name: null, amount: -97 },
          ],
          total: 5018,
        },
      ],
      total: 5018,
      pointsReturned: 97,
      shipping: 0,
      completesOrder: false,
    });

    // The rest: A's second unit takes what is left of A's shares (−1165+583 = −582,
    // −583+292 = −291, −194+97 = −97): 5990−582−291−97 = 5020. B and C whole: 10810, 5002.
    // The last refund completes the order, so shipping 1000 comes back with it:
    // 5020 + 10810 + 5002 + 1000 = 21832; with the first refund 5018 + 21832 = 26850 = actualPaid.
    const second = quoteRefund({
      order: demo,
      refunded: applyRefund(NOTHING, first),
      request: resolveRequest(demo, [
        { sku: "SKU-A", qty: 1 },
        { sku: "SKU-B", qty: 1 },
        { sku: "SKU-C", qty: 3 },
      ]),
    });
    expect(second.lines).toEqual([
      {
        lineNo: 1,
        sku: "SKU-A",
        qty: 1,
        components: [
          { component: "goods", name: null, amount: 5990 },
          { component: "full_reduction", name: "满300减30", amount: -582 },
          { component: "coupon", name: "店铺券", amount: -291 },
          { component: "points", name: null, amount: -97 },
        ],
        total: 5020,
      },
      {
        lineNo: 2,
        sku: "SKU-B",
        qty: 1,
        components: [
          { component: "goods", name: null, amount: 12900 },
          { component: "full_reduction", name: "满300减30", amount: -1254 },
          { component: "coupon", name: "店铺券", amount: -627 },
          { component: "points", name: null, amount: -209 },
        ],
        total: 10810,
      },
      {
        lineNo: 3,
        sku: "SKU-C",
        qty: 3,
        components: [
          { component: "goods", name: null, amount: 5970 },
          { component: "full_reduction", name: "满300减30", amount: -581 },
          { component: "coupon", name: "店铺券", amount: -290 },
          { component: "points", name: null, amount: -97 },
        ],
        total: 5002,
      },
    ]);
    expect(second.shipping).toBe(1000);
    expect(second.total).toBe(21832);
    expect(second.completesOrder).toBe(true);
    // Points back as points: 97 (first) + 97 + 209 + 97 = 500 = the 积分 discount.
    expect(second.pointsReturned).toBe(403);
    expect(first.total + second.total).toBe(demo.actualPaid);
  });

  it("formats a quote as a Chinese table with ¥x.yz amounts", () => {
    const q = quoteRefund({ order: demo, request: [{ lineNo: 1, qty: 1 }] });
    expect(formatQuote(q).split("\n")).toEqual([
      "| 行 | SKU | 件数 | 商品 | 满减(满300减30) | 优惠券(店铺券) | 积分 | 小计 |",
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
      "| 1 | SKU-A | 1 | ¥59.90 | -¥5.83 | -¥2.92 | -¥0.97 | ¥50.18 |",
      "| **合计** |  |  |  |  |  |  | **¥50.18** |",
      "",
      "退回积分:¥0.97(按积分返还,不计入现金)",
      "整单是否退完:否",
    ]);
  });

  it("formats cents without floats, sign in front", () => {
    expect([0, 5, -5, 100, 123456789, -2990].map(formatCents)).toEqual([
      "¥0.00",
      "¥0.05",
      "-¥0.05",
      "¥1.00",
      "¥1234567.89",
      "-¥29.90",
    ]);
  });
});

const order = (over: Partial<SplitOrder>): SplitOrder => ({
  lines: [{ lineNo: 1, sku: "X", qty: 1, unitPrice: 1000 }],
  discounts: [],
  shippingFee: 0,
  shippingBorneBy: "buyer",
  actualPaid: 1000,
  ...over,
});
const all = (o: SplitOrder) => o.lines.map((l) => ({ lineNo: l.lineNo, qty: l.qty }));

describe("allocation", () => {
  it("breaks remainder ties by line order", () => {
    const o = order({
      lines: [1, 2, 3].map((n) => ({ lineNo: n, sku: `S${n}`, qty: 1, unitPrice: 100 })),
      discounts: [{ kind: "coupon", name: null, amount: 100 }],
      actualPaid: 200,
    });
    // 100/3 = 33.33 each; the 1 cent left goes to the first line.
    expect(allocateShares(o).lines.map((l) => l.shares)).toEqual([[-34], [-33], [-33]]);
  });

  it("gives a zero-valued line (a gift) no share", () => {
    const o = order({
      lines: [
        { lineNo: 1, sku: "GIFT", qty: 2, unitPrice: 0 },
        { lineNo: 2, sku: "X", qty: 1, unitPrice: 1000 },
      ],
      discounts: [{ kind: "coupon", name: null, amount: 300 }],
      actualPaid: 700,
    });
    expect(allocateShares(o).lines.map((l) => l.shares)).toEqual([[0], [-300]]);
  });

  it("splits by units when every line is zero-valued, and to the first line when units are zero too", () => {
    const free = order({
      lines: [
        { lineNo: 1, sku: "A", qty: 1, unitPrice: 0 },
        { lineNo: 2, sku: "B", qty: 3, unitPrice: 0 },
      ],
      shippingFee: 400,
      actualPaid: 400,
    });
    // Shipping 400 by units 1:3 → 100 and 300.
    const shares = allocateShares(free, { shipping: "proportional" }).lines.map((l) => l.shares);
    expect(shares).toEqual([[100], [300]]);
    const empty = order({
      lines: [
        { lineNo: 1, sku: "A", qty: 0, unitPrice: 0 },
        { lineNo: 2, sku: "B", qty: 0, unitPrice: 0 },
      ],
      actualPaid: 7,
    });
    expect(allocateShares(empty).lines.map((l) => l.shares)).toEqual([[7], [0]]);
  });

  it("keeps every line's net at the floor or ceiling of its share when discounts round the same way", () => {
    // Two 1-cent lines, two 1-cent discounts: each discount alone would tie and give its cent
    // to line 1 (net −1) and line 2 would keep +1, more than its share of the 0 paid.
    const o = order({
      lines: [
        { lineNo: 1, sku: "A", qty: 1, unitPrice: 1 },
        { lineNo: 2, sku: "B", qty: 1, unitPrice: 1 },
      ],
      discounts: [
        { kind: "coupon", name: null, amount: 1 },
        { kind: "points", name: null, amount: 1 },
      ],
      actualPaid: 0,
    });
    const lines = allocateShares(o).lines;
    expect(lines.map((l) => l.goods + l.shares.reduce((s, x) => s + x, 0))).toEqual([0, 0]);
    expect(lines.map((l) => l.shares)).toEqual([
      [0, -1],
      [-1, 0],
    ]);
  });

  it("spreads a channel order's few-cent difference as an adjustment so the order refunds to actualPaid", () => {
    const o = order({
      lines: [
        { lineNo: 1, sku: "A", qty: 1, unitPrice: 1000 },
        { lineNo: 2, sku: "B", qty: 1, unitPrice: 3000 },
      ],
      discounts: [{ kind: "other", name: "平台补贴", amount: 400 }],
      actualPaid: 3597, // 4000 − 400 = 3600 expected; the channel says 3 cents less
    });
    const a = allocateShares(o);
    expect(a.components.at(-1)).toEqual({ component: "adjustment", name: null, amount: -3 });
    // −3 by 1000:3000 → −0.75, −2.25 → magnitudes 0 + 2, 1 cent left to line 1 (.75).
    expect(a.lines.map((l) => l.shares)).toEqual([
      [-100, -1],
      [-300, -2],
    ]);
    expect(quoteRefund({ order: o, request: all(o) }).total).toBe(3597);
  });
});

describe("shipping and points policies", () => {
  const o = order({
    lines: [
      { lineNo: 1, sku: "A", qty: 1, unitPrice: 1000 },
      { lineNo: 2, sku: "B", qty: 1, unitPrice: 3000 },
    ],
    discounts: [{ kind: "points", name: null, amount: 200 }],
    shippingFee: 800,
    actualPaid: 4600,
  });

  it("on_full_refund pays shipping only with the refund that completes the order", () => {
    const first = quoteRefund({ order: o, request: [{ lineNo: 1, qty: 1 }] });
    expect(first.shipping).toBe(0);
    const last = quoteRefund({
      order: o,
      refunded: applyRefund(NOTHING, first),
      request: [{ lineNo: 2, qty: 1 }],
    });
    expect(last.shipping).toBe(800);
    expect(first.total + last.total).toBe(4600);
  });

  it("proportional puts a shipping row on each line and none on the order", () => {
    const q = quoteRefund({ order: o, request: all(o), policy: { shipping: "proportional" } });
    expect(q.shipping).toBe(0);
    expect(q.lines.map((l) => l.components.find((c) => c.component === "shipping")?.amount)).toEqual([
      200, 600,
    ]);
    expect(q.total).toBe(4600);
  });

  it("proportional does not pay shipping again once it was paid back whole", () => {
    const q = quoteRefund({
      order: o,
      refunded: { lines: [], shipping: true },
      request: all(o),
      policy: { shipping: "proportional" },
    });
    expect(q.lines.flatMap((l) => l.components).some((c) => c.component === "shipping")).toBe(false);
    expect(q.total).toBe(3800);
  });

  it("never keeps buyer-paid shipping: the whole order refunds actualPaid − shipping", () => {
    const q = quoteRefund({ order: o, request: all(o), policy: { shipping: "never" } });
    expect(q.shipping).toBe(0);
    expect(q.total).toBe(4600 - 800);
  });

  it("holds back no more shipping than was paid when the discounts covered shipping too", () => {
    // Goods 1000 fully discounted by a coupon that also covered 5 of the 8 shipping: paid 3.
    const covered = order({
      discounts: [{ kind: "coupon", name: "包邮券", amount: 1000 }],
      shippingFee: 8,
      actualPaid: 3,
    });
    const whole = quoteRefund({ order: covered, request: all(covered) });
    expect([whole.lines[0]!.total, whole.shipping, whole.total]).toEqual([0, 3, 3]);
    const never = quoteRefund({ order: covered, request: all(covered), policy: { shipping: "never" } });
    expect(never.total).toBe(0);
  });

  it("never refunds shipping the seller bore, whatever the policy", () => {
    const seller = { ...o, shippingBorneBy: "seller" as const, actualPaid: 3800 };
    for (const shipping of ["on_full_refund", "proportional", "never"] as const) {
      const q = quoteRefund({ order: seller, request: all(seller), policy: { shipping } });
      expect(q.shipping).toBe(0);
      expect(q.total).toBe(3800);
    }
  });

  it("forfeits points when pointsAsPoints is false, with the same cash", () => {
    const kept = quoteRefund({ order: o, request: all(o) });
    const lost = quoteRefund({ order: o, request: all(o), policy: { pointsAsPoints: false } });
    expect(kept.pointsReturned).toBe(200);
    expect(lost.pointsReturned).toBe(0);
    expect(lost.total).toBe(kept.total);
  });
});

describe("requests", () => {
  const two: SplitOrder = order({
    lines: [
      { lineNo: 1, sku: "SKU-1", qty: 2, unitPrice: 500 },
      { lineNo: 2, sku: "SKU-1", qty: 3, unitPrice: 500 },
      { lineNo: 3, sku: "SKU-2", qty: 1, unitPrice: 100 },
    ],
    actualPaid: 2600,
  });

  it("sums a line named twice", () => {
    const q = quoteRefund({
      order: two,
      request: [
        { lineNo: 2, qty: 1 },
        { lineNo: 2, qty: 2 },
      ],
    });
    expect(q.lines.map((l) => [l.lineNo, l.qty, l.total])).toEqual([[2, 3, 1500]]);
  });

  it("fills a SKU's lines in order, after what was already refunded", () => {
    expect(resolveRequest(two, [{ sku: "SKU-1", qty: 3 }])).toEqual([
      { lineNo: 1, qty: 2 },
      { lineNo: 2, qty: 1 },
    ]);
    const refunded = { lines: [{ lineNo: 1, qty: 1 }], shipping: false };
    expect(resolveRequest(two, [{ sku: "SKU-1", qty: 2 }], refunded)).toEqual([
      { lineNo: 1, qty: 1 },
      { lineNo: 2, qty: 1 },
    ]);
  });
});

describe("refusals", () => {
  const refused = (fn: () => unknown, message: string) => {
    const e = refusal(fn);
    expect(e.code).toBe("bad_request");
    expect(e.message).toBe(message);
  };

  it("refuses an unknown SKU", () => {
    refused(() => resolveRequest(demo, [{ sku: "SKU-Z", qty: 1 }]), "订单里没有 SKU SKU-Z");
  });

  it("refuses an unknown line", () => {
    refused(() => quoteRefund({ order: demo, request: [{ lineNo: 9, qty: 1 }] }), "订单没有第 9 行");
  });

  it("refuses zero, negative and fractional quantities", () => {
    for (const qty of [0, -1, 1.5]) {
      refused(
        () => quoteRefund({ order: demo, request: [{ lineNo: 2, qty }] }),
        `第 2 行 SKU-B 的退款件数必须是正整数,收到 ${qty}`,
      );
      refused(
        () => resolveRequest(demo, [{ sku: "SKU-B", qty }]),
        `SKU SKU-B 的退款件数必须是正整数,收到 ${qty}`,
      );
    }
  });

  it("refuses more units than remain, counting earlier refunds and repeats in the request", () => {
    const refunded = { lines: [{ lineNo: 3, qty: 2 }], shipping: false };
    refused(
      () => quoteRefund({ order: demo, refunded, request: [{ lineNo: 3, qty: 2 }] }),
      "第 3 行 SKU-C 只剩 1 件可退,不能退 2 件",
    );
    refused(
      () =>
        quoteRefund({
          order: demo,
          request: [
            { lineNo: 2, qty: 1 },
            { lineNo: 2, qty: 1 },
          ],
        }),
      "第 2 行 SKU-B 只剩 1 件可退,不能退 2 件",
    );
    refused(
      () => resolveRequest(demo, [{ sku: "SKU-C", qty: 2 }], refunded),
      "第 3 行 SKU-C 只剩 1 件可退,不能退 2 件",
    );
  });

  it("refuses an empty request", () => {
    refused(() => quoteRefund({ order: demo, request: [] }), "退款申请是空的:请至少选择一行商品和件数");
    refused(() => resolveRequest(demo, []), "退款申请是空的:请至少选择一个 SKU 和件数");
  });

  it("refuses an order with negative or fractional numbers", () => {
    refused(
      () => allocateShares({ ...demo, lines: [{ lineNo: 1, sku: "SKU-A", qty: 1, unitPrice: -5 }] }),
      "订单数据有误:第 1 行 SKU-A 的单价 unitPrice 必须是非负整数(单位:分),收到 -5",
    );
    refused(
      () => allocateShares({ ...demo, actualPaid: 268.5 }),
      "订单数据有误:实付 actualPaid 必须是非负整数(单位:分),收到 268.5",
    );
    refused(
      () => allocateShares({ ...demo, discounts: [{ kind: "coupon", name: "券", amount: -100 }] }),
      "订单数据有误:第 1 项优惠 券 的金额 必须是非负整数(单位:分),收到 -100",
    );
    refused(
      () => allocateShares({ ...demo, shippingFee: -1 }),
      "订单数据有误:运费 shippingFee 必须是非负整数(单位:分),收到 -1",
    );
  });

  it("refuses a refund history that does not fit the order as a conflict", () => {
    const e = refusal(() =>
      quoteRefund({
        order: demo,
        refunded: { lines: [{ lineNo: 2, qty: 2 }], shipping: false },
        request: [{ lineNo: 1, qty: 1 }],
      }),
    );
    expect(e.code).toBe("conflict");
    expect(e.message).toBe("已退记录里第 2 行 SKU-B 退了 2 件,超过购买的 1 件");
  });
});
