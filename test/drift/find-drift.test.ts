import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { driftConfig } from "../../src/drift/index.ts";
import { T0, type TestDeps, testDeps } from "../helpers/deps.ts";
import { apply, carrier, HOUR, rulesWithWeirdPacked, scan, wmsShipped } from "./helpers.ts";

let deps: TestDeps;
beforeEach(async () => {
  deps = await testDeps();
});
afterEach(async () => deps.close());

const paid = (orderNo: string, at: number) =>
  apply(deps, { source: "miniapp", orderNo, at, fields: { status: "paid" } });
const taobao = (orderNo: string, at: number, status: string, extra: Record<string, string> = {}) =>
  apply(deps, { source: "taobao", orderNo, at, fields: { status, ...extra } });

/** A miniapp order paid, shipped, picked up and signed for: nothing to say about it, ever. */
async function healthy() {
  await paid("D-OK", T0 - 5 * HOUR);
  await apply(deps, wmsShipped("D-OK", T0 - 4 * HOUR));
  await apply(deps, carrier("WBD-OK", T0 - 3 * HOUR, "1"));
  await apply(deps, carrier("WBD-OK", T0 - 2 * HOUR, "3"));
  await taobao("D-TB-OK", T0 - 5 * HOUR, "WAIT_SELLER_SEND_GOODS");
  await apply(deps, wmsShipped("D-TB-OK", T0 - 4 * HOUR));
  await taobao("D-TB-OK", T0 - 3 * HOUR, "WAIT_BUYER_CONFIRM_GOODS");
  await apply(deps, carrier("WBD-TB-OK", T0 - 3 * HOUR, "3"));
  await taobao("D-TB-OK", T0 - 2 * HOUR, "TRADE_FINISHED");
}

const cases: Array<{
  kind: string;
  orderNo: string;
  asOf: number;
  notBefore?: number;
  build: () => Promise<unknown>;
}> = [
  {
    kind: "paid_not_allocated",
    orderNo: "D-PAID",
    asOf: T0 + 30 * HOUR,
    notBefore: T0 + 20 * HOUR,
    build: () => paid("D-PAID", T0 - HOUR),
  },
  {
    kind: "not_shipped",
    orderNo: "D-PACKED",
    asOf: T0 + 50 * HOUR,
    notBefore: T0 + 40 * HOUR,
    build: async () => {
      await paid("D-PACKED", T0 - HOUR);
      await apply(deps, {
        source: "wms",
        orderNo: "D-PACKED",
        at: T0 - HOUR / 2,
        rawStatus: null,
        fields: { packaged_time: Math.floor(T0 / 1000) - 1800, logistics_no: "", status: null },
      });
    },
  },
  {
    kind: "no_pickup",
    orderNo: "D-NOPICK",
    asOf: T0 + 50 * HOUR,
    notBefore: T0 + 40 * HOUR,
    build: async () => {
      await paid("D-NOPICK", T0 - 2 * HOUR);
      await apply(deps, wmsShipped("D-NOPICK", T0 - HOUR));
    },
  },
  {
    kind: "transit_stalled",
    orderNo: "D-STALL",
    asOf: T0 + 80 * HOUR,
    notBefore: T0 + 60 * HOUR,
    build: async () => {
      await paid("D-STALL", T0 - 3 * HOUR);
      await apply(deps, wmsShipped("D-STALL", T0 - 2 * HOUR));
      await apply(deps, carrier("WBD-STALL", T0 - HOUR, "0"));
    },
  },
  {
    kind: "channel_not_shipped",
    orderNo: "D-TBSYNC",
    asOf: T0 + 20 * HOUR,
    notBefore: T0 + 8 * HOUR,
    build: async () => {
      await taobao("D-TBSYNC", T0 - 3 * HOUR, "WAIT_SELLER_SEND_GOODS");
      await apply(deps, wmsShipped("D-TBSYNC", T0 - 2 * HOUR));
    },
  },
  {
    kind: "channel_closed",
    orderNo: "D-TBCLOSE",
    asOf: T0 + HOUR,
    build: async () => {
      await taobao("D-TBCLOSE", T0 - 3 * HOUR, "WAIT_SELLER_SEND_GOODS");
      await apply(deps, wmsShipped("D-TBCLOSE", T0 - 2 * HOUR));
      await taobao("D-TBCLOSE", T0 - HOUR, "TRADE_CLOSED_BY_TAOBAO");
    },
  },
  {
    kind: "shipped_after_cancel",
    orderNo: "D-CANCEL",
    asOf: T0 + HOUR,
    build: async () => {
      await paid("D-CANCEL", T0 - 3 * HOUR);
      await apply(deps, {
        source: "miniapp",
        orderNo: "D-CANCEL",
        at: T0 - 2 * HOUR,
        fields: { status: "cancelled" },
      });
      await apply(deps, wmsShipped("D-CANCEL", T0 - HOUR));
    },
  },
  {
    kind: "unknown_status",
    orderNo: "D-WEIRD",
    asOf: T0 + HOUR,
    build: async () => {
      await paid("D-WEIRD", T0 - 2 * HOUR);
      await apply(deps, {
        source: "wms",
        orderNo: "D-WEIRD",
        at: T0 - HOUR,
        rawStatus: "WEIRD",
        fields: { packaged_time: 0, logistics_no: "", status: "WEIRD" },
      });
    },
  },
  {
    kind: "after_sale_long",
    orderNo: "D-AFTER",
    asOf: T0 + 170 * HOUR,
    notBefore: T0 + 100 * HOUR,
    build: async () => {
      await taobao("D-AFTER", T0 - 3 * HOUR, "WAIT_SELLER_SEND_GOODS");
      await taobao("D-AFTER", T0 - 2 * HOUR, "WAIT_SELLER_SEND_GOODS", { refund_state: "open" });
    },
  },
];

describe("drift kinds", () => {
  for (const c of cases) {
    it(`finds ${c.kind} on ${c.orderNo} and nothing on the healthy orders`, async () => {
      await healthy();
      await c.build();
      const { kinds } = await scan(deps, c.asOf);
      expect(kinds(c.orderNo), c.orderNo).toContain(c.kind);
      expect(kinds("D-OK")).toEqual([]);
      expect(kinds("D-TB-OK")).toEqual([]);
      if (c.notBefore !== undefined) {
        const early = await scan(deps, c.notBefore);
        expect(early.kinds(c.orderNo), "before its threshold").not.toContain(c.kind);
      }
    });
  }

  it("finds source_ahead when a rule added later maps the source's last word beyond the anchor", async () => {
    await healthy();
    await cases.find((c) => c.kind === "unknown_status")!.build();
    const { kinds, byOrder } = await scan(deps, T0 + HOUR, { rules: rulesWithWeirdPacked(deps.rules) });
    expect(kinds("D-WEIRD")).toEqual(["source_ahead"]);
    expect(byOrder.get("D-WEIRD")?.[0]?.detail).toContain("wms 报 WEIRD(→已打包)");
    expect(kinds("D-OK")).toEqual([]);
  });

  it("describes a channel that closed a shipped order with the source, its status and the anchor", async () => {
    await cases.find((c) => c.kind === "channel_closed")!.build();
    const { byOrder } = await scan(deps, T0 + HOUR);
    expect(byOrder.get("D-TBCLOSE")).toEqual([
      {
        orderNo: "D-TBCLOSE",
        kind: "channel_closed",
        anchor: "shipped_at_warehouse",
        detail: "taobao 报 TRADE_CLOSED_BY_TAOBAO(→已取消),锚点仍是「仓库已发出」",
      },
    ]);
  });

  it("honours thresholds from the config object", async () => {
    await paid("D-PAID", T0 - HOUR);
    const strict = await scan(deps, T0 + 3 * HOUR, {
      config: driftConfig({ hours: { paidNotAllocated: 2 } }),
    });
    expect(strict.kinds("D-PAID")).toEqual(["paid_not_allocated"]);
    expect((await scan(deps, T0 + 3 * HOUR)).kinds("D-PAID")).toEqual([]);
  });
});
