import { mainRank } from "../anchors/anchor.ts";
import type { RuleSet } from "../anchors/rules.ts";
import type { RuleEffect } from "../db/schema/order-events.ts";
import { shortStamp } from "../shared/day.ts";
import type { SourceName } from "../sources/types.ts";
import type { DriftConfig, DriftKind } from "./config.ts";

/** What the scan reads of an order, its sources' latest words and its shipments. */
export interface OrderFacts {
  orderNo: string;
  anchor: string;
  paidAt: number | null;
  createdAt: number;
  updatedAt: number;
  anchorChangedAt: number | null;
}

export interface SourceFacts {
  source: string;
  rawStatus: string | null;
  /** The stored fields JSON as text: it is also the memo key for the rule evaluation. */
  fieldsText: string;
  eventTime: number;
}

export interface ShipmentFacts {
  waybillNo: string;
  pickedUpAt: number | null;
  lastNodeAt: number | null;
  eventTime: number;
}

export interface DriftFinding {
  orderNo: string;
  kind: DriftKind;
  anchor: string;
  detail: string;
}

export interface Evaluated {
  effects: RuleEffect[];
  /** The parsed fields, when this call had to parse them (a memo miss). */
  fields?: Record<string, unknown>;
}

export type Evaluate = (source: string, fieldsText: string) => Evaluated;

/**
 * The anchor rules themselves (RuleSet.evaluate), memoised per source on the fields text: a
 * channel's vocabulary is a few dozen statuses, so a million orders cost a few hundred
 * evaluations. Each source's memo stops growing at `max` entries, so per-order fields (WMS
 * times) cost an evaluation each instead of an unbounded map.
 */
export function memoEvaluate(rules: RuleSet, max = 2_000): Evaluate {
  const memo = new Map<string, Map<string, RuleEffect[]>>();
  return (source, fieldsText) => {
    let bySource = memo.get(source);
    if (!bySource) {
      bySource = new Map();
      memo.set(source, bySource);
    }
    const hit = bySource.get(fieldsText);
    if (hit) return { effects: hit };
    const fields = JSON.parse(fieldsText) as Record<string, unknown>;
    const effects = rules.evaluate(source as SourceName, fields);
    if (bySource.size < max) bySource.set(fieldsText, effects);
    return { effects, fields };
  };
}

const CHANNELS = new Set(["taobao", "pdd", "shopee"]);
const EXITS = new Set(["cancelled", "closed", "refunded"]);
const SHIPPED = mainRank("shipped_at_warehouse");
const HOUR = 3_600_000;

export interface CheckContext {
  evaluate: Evaluate;
  config: DriftConfig;
  /** The time thresholds are measured against. */
  asOf: number;
  timeZone: string;
  /** Anchor → Chinese label, for the detail text. */
  label: (anchor: string) => string;
}

/** Every drift kind one order shows, at most one finding per kind (several sources are joined). */
export function checkOrder(
  ctx: CheckContext,
  o: OrderFacts,
  sources: readonly SourceFacts[],
  ships: readonly ShipmentFacts[],
): DriftFinding[] {
  const { asOf, config, timeZone } = ctx;
  const out = new Map<DriftKind, string[]>();
  const add = (kind: DriftKind, detail: string) => {
    const list = out.get(kind);
    if (list) list.push(detail);
    else out.set(kind, [detail]);
  };
  const stamp = (ms: number) => shortStamp(ms, timeZone);
  const hoursSince = (ms: number) => Math.floor((asOf - ms) / HOUR);
  const anchor = o.anchor;
  const rank = mainRank(anchor);
  const anchorLabel = ctx.label(anchor);

  const said = sources.map((s) => {
    const { effects, fields } = ctx.evaluate(s.source, s.fieldsText);
    return { s, effects, fields, mapped: effects.find((e) => e.anchor)?.anchor ?? null };
  });

  // When the goods left the warehouse, by the warehouse's own word where it has one.
  let shippedAt: number | null = null;
  for (const { s, mapped, fields } of said) {
    if (!mapped || mainRank(mapped) < SHIPPED || CHANNELS.has(s.source)) continue;
    const outbound = s.source === "wms" ? Number((fields ?? JSON.parse(s.fieldsText)).outbound_time) : 0;
    const t = outbound > 0 ? outbound * 1000 : s.eventTime;
    shippedAt = shippedAt === null ? t : Math.min(shippedAt, t);
  }
  let paidAt = o.paidAt;
  for (const { s, mapped } of said) {
    if (mapped === "paid" && !CHANNELS.has(s.source))
      paidAt = paidAt === null ? s.eventTime : Math.min(paidAt, s.eventTime);
  }

  for (const { s, effects, mapped } of said) {
    const word = `${s.source} 报 ${s.rawStatus ?? s.fieldsText}`;
    if (effects.length === 0) {
      add("unknown_status", `${word}:没有规则认识这个状态`);
      continue;
    }
    if (!mapped) continue;
    const r = mainRank(mapped);
    if (EXITS.has(mapped)) {
      if (!EXITS.has(anchor))
        add("channel_closed", `${word}(→${ctx.label(mapped)}),锚点仍是「${anchorLabel}」`);
      continue;
    }
    if (anchor === "cancelled" && r >= SHIPPED) {
      add("shipped_after_cancel", `${word}(→${ctx.label(mapped)}),锚点却是「已取消」`);
      continue;
    }
    if (rank >= 0 && r > rank) {
      add("source_ahead", `${word}(→${ctx.label(mapped)}),锚点只到「${anchorLabel}」`);
      continue;
    }
    if (CHANNELS.has(s.source) && r < SHIPPED && rank >= SHIPPED && shippedAt !== null) {
      const h = hoursSince(shippedAt);
      if (asOf - shippedAt > config.hours.channelSync * HOUR)
        add(
          "channel_not_shipped",
          `仓库 ${stamp(shippedAt)} 已发出(${h} 小时前),${word}(→${ctx.label(mapped)})`,
        );
    }
  }

  const since = (fallback: number | null) => fallback ?? o.anchorChangedAt ?? o.updatedAt;
  if (anchor === "paid") {
    const t = since(paidAt);
    if (asOf - t > config.hours.paidNotAllocated * HOUR)
      add("paid_not_allocated", `付款于 ${stamp(t)},已 ${hoursSince(t)} 小时仍未分仓`);
  } else if (anchor === "allocated" || anchor === "packed") {
    const t = since(paidAt);
    if (asOf - t > config.hours.notShipped * HOUR)
      add("not_shipped", `付款于 ${stamp(t)},已 ${hoursSince(t)} 小时仍是「${anchorLabel}」未出库`);
  } else if (anchor === "shipped_at_warehouse") {
    const t = since(shippedAt);
    if (!ships.some((x) => x.pickedUpAt !== null) && asOf - t > config.hours.noPickup * HOUR) {
      const wb = ships.map((x) => x.waybillNo).join("、") || "无运单";
      add("no_pickup", `仓库 ${stamp(t)} 发出,${hoursSince(t)} 小时无揽收记录(运单 ${wb})`);
    }
  } else if (anchor === "in_transit") {
    let last: number | null = null;
    for (const x of ships) last = Math.max(last ?? 0, x.lastNodeAt ?? x.eventTime);
    const t = since(last);
    if (asOf - t > config.hours.transitStalled * HOUR) {
      const wb = ships.map((x) => x.waybillNo).join("、") || "无运单";
      add("transit_stalled", `最后一条轨迹 ${stamp(t)},已 ${hoursSince(t)} 小时无更新(运单 ${wb})`);
    }
  } else if (anchor === "after_sale") {
    const t = since(null);
    if (asOf - t > config.hours.afterSale * HOUR)
      add("after_sale_long", `${stamp(t)} 进入售后,已 ${hoursSince(t)} 小时未结`);
  }

  return [...out].map(([kind, details]) => ({ orderNo: o.orderNo, kind, anchor, detail: details.join(";") }));
}
