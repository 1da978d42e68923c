import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type FoldEvent, foldAnchor } from "../../src/anchors/fold.ts";

let nextId = 1;
const ev = (t: number, source: string, ruleId: string, eff: Partial<FoldEvent["effects"][0]>): FoldEvent => ({
  id: nextId++,
  source,
  sourceEventId: `${source}-${t}-${ruleId}`,
  eventTime: t,
  effects: [{ ruleId, ...eff }],
});

describe("foldAnchor", () => {
  it("takes the furthest main-line anchor, whatever arrives last", () => {
    const events = [
      ev(3, "wms", "wms.shipped", { anchor: "shipped_at_warehouse" }),
      ev(1, "miniapp", "miniapp.paid", { anchor: "paid" }),
    ];
    const r = foldAnchor(events);
    expect(r.anchor).toBe("shipped_at_warehouse");
    expect(r.cause?.ruleId).toBe("wms.shipped");
  });

  it("refuses a cancellation once the goods left the warehouse", () => {
    const r = foldAnchor([
      ev(1, "miniapp", "miniapp.paid", { anchor: "paid" }),
      ev(2, "wms", "wms.shipped", { anchor: "shipped_at_warehouse" }),
      ev(3, "shopee", "shopee.cancelled", { anchor: "cancelled" }),
    ]);
    expect(r.anchor).toBe("shipped_at_warehouse");
    expect(r.refused.map((x) => x.ruleId)).toEqual(["shopee.cancelled"]);
  });

  it("accepts a cancellation before shipping and keeps it against later main-line events", () => {
    const r = foldAnchor([
      ev(1, "miniapp", "miniapp.created", { anchor: "created" }),
      ev(2, "miniapp", "miniapp.cancelled", { anchor: "cancelled" }),
      ev(3, "wms", "wms.accepted", { anchor: "allocated" }),
    ]);
    expect(r.anchor).toBe("cancelled");
  });

  it("shows after_sale while a source says so and returns to the main line when it closes", () => {
    const open = [
      ev(1, "pdd", "pdd.shipped", { anchor: "shipped_at_warehouse" }),
      ev(2, "pdd", "pdd.refund_open", { afterSale: "open" }),
    ];
    expect(foldAnchor(open).anchor).toBe("after_sale");
    const closed = [...open, ev(3, "pdd", "pdd.refund_none", { afterSale: "closed" })];
    expect(foldAnchor(closed).anchor).toBe("shipped_at_warehouse");
  });

  it("treats refunded and closed as final", () => {
    const r = foldAnchor([
      ev(1, "pdd", "pdd.refund_success", { anchor: "refunded" }),
      ev(2, "pdd", "pdd.signed", { anchor: "delivered" }),
      ev(3, "taobao", "taobao.closed", { anchor: "closed" }),
    ]);
    expect(r.anchor).toBe("refunded");
  });

  it("gives the same anchor and cause for every arrival order", () => {
    const pool: FoldEvent[] = [
      ev(10, "miniapp", "miniapp.created", { anchor: "created" }),
      ev(20, "miniapp", "miniapp.paid", { anchor: "paid" }),
      ev(30, "wms", "wms.accepted", { anchor: "allocated" }),
      ev(40, "wms", "wms.packed", { anchor: "packed" }),
      ev(50, "wms", "wms.shipped", { anchor: "shipped_at_warehouse" }),
      ev(55, "miniapp", "miniapp.cancelled", { anchor: "cancelled" }),
      ev(60, "logistics", "logistics.in_transit", { anchor: "in_transit" }),
      ev(70, "logistics", "logistics.returning", { afterSale: "open" }),
      ev(70, "pdd", "pdd.refund_open", { afterSale: "open" }),
      ev(80, "pdd", "pdd.refund_none", { afterSale: "closed" }),
      ev(90, "logistics", "logistics.signed", { anchor: "delivered" }),
      ev(95, "pdd", "pdd.refund_success", { anchor: "refunded" }),
    ];
    fc.assert(
      fc.property(fc.subarray(pool, { minLength: 1 }), fc.nat(), (subset, seed) => {
        const shuffled = fc.sample(
          fc.shuffledSubarray(subset, { minLength: subset.length, maxLength: subset.length }),
          {
            seed,
            numRuns: 1,
          },
        )[0]!;
        const a = foldAnchor(subset);
        const b = foldAnchor(shuffled);
        expect(b.anchor).toBe(a.anchor);
        expect(b.cause).toEqual(a.cause);
      }),
      { numRuns: 500 },
    );
  });
});
