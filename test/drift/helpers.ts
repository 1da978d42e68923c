import { loadRules, type RuleSet } from "../../src/anchors/rules.ts";
import type { DriftConfig, DriftFinding } from "../../src/drift/index.ts";
import { findDrift } from "../../src/drift/index.ts";
import { applyEvent } from "../../src/orders/index.ts";
import type { CanonicalEvent, ShipmentFacts, SourceName } from "../../src/sources/types.ts";
import type { TestDeps } from "../helpers/deps.ts";

export const HOUR = 3_600_000;
export const DAY = "2026-11-28";
let seq = 0;

/** Applies one source event through the real order core (rules, fold, source statuses, shipments). */
export async function apply(
  deps: TestDeps,
  e: {
    source: SourceName;
    orderNo?: string;
    waybillNo?: string;
    at: number;
    fields: CanonicalEvent["fields"];
    rawStatus?: string | null;
    shipment?: ShipmentFacts;
  },
) {
  const event: CanonicalEvent = {
    source: e.source,
    kind: "test",
    sourceEventId: `drift-test-${++seq}`,
    orderRef: e.orderNo ? { orderNo: e.orderNo } : { waybillNo: e.waybillNo },
    eventTime: e.at,
    rawStatus: e.rawStatus === undefined ? String(Object.values(e.fields)[0] ?? "") : e.rawStatus,
    fields: e.fields,
    ...(e.shipment ? { shipment: e.shipment } : {}),
  };
  return deps.writer.run((tx) => applyEvent({ tx, rules: deps.rules, now: deps.clock.now(), event }));
}

export const wmsShipped = (orderNo: string, at: number, waybill = `WB${orderNo}`) => ({
  source: "wms" as const,
  orderNo,
  at,
  rawStatus: null,
  fields: {
    packaged_time: Math.floor(at / 1000) - 600,
    logistics_no: waybill,
    outbound_time: Math.floor(at / 1000),
    status: null,
  },
  shipment: { waybillNo: waybill, carrier: "zhongtong" },
});

export const carrier = (waybillNo: string, at: number, state: string) => ({
  source: "logistics" as const,
  waybillNo,
  at,
  fields: { state, ischeck: state === "3" ? "1" : "0" },
  shipment: {
    waybillNo,
    state,
    lastNode: { text: `state ${state}`, at },
    ...(state === "1" || state === "0" ? { pickedUpAt: at } : {}),
    ...(state === "3" ? { signedAt: at } : {}),
  },
});

/** Every finding of one scan, by order. */
export async function scan(
  deps: TestDeps,
  asOf: number,
  opts: { day?: string; rules?: RuleSet; config?: DriftConfig; recheckRunId?: number } = {},
) {
  const byOrder = new Map<string, DriftFinding[]>();
  const pages: string[][] = [];
  for await (const page of findDrift({
    db: deps.db,
    rules: opts.rules ?? deps.rules,
    timeZone: deps.config.TZ_DISPLAY,
    day: opts.day ?? DAY,
    asOf,
    config: opts.config,
    recheckRunId: opts.recheckRunId,
  })) {
    pages.push(page.orderNos);
    for (const f of page.findings) byOrder.set(f.orderNo, [...(byOrder.get(f.orderNo) ?? []), f]);
  }
  return { byOrder, pages, kinds: (no: string) => (byOrder.get(no) ?? []).map((f) => f.kind).sort() };
}

/** The shipped rules plus one a later release might add: the warehouse's WEIRD status means packed. */
export function rulesWithWeirdPacked(base: RuleSet): RuleSet {
  return loadRules({
    rules: [
      ...base.rules,
      {
        id: "wms.weird",
        source: "wms",
        group: "outbound_extra",
        when: { "==": [{ var: "status" }, "WEIRD"] },
        anchor: "packed",
        note: "test",
      },
    ],
  });
}
