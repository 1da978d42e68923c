import { asc, desc, eq } from "drizzle-orm";
import { ANCHOR_LABELS, type Anchor } from "../anchors/anchor.ts";
import type { RuleSet } from "../anchors/rules.ts";
import type { Reader } from "../db/client.ts";
import {
  addresses,
  anchorChanges,
  orderDiscounts,
  orderEvents,
  orderLines,
  orders,
  shipments,
  sourceStatuses,
} from "../db/schema/index.ts";
import { AppError } from "../errors.ts";

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

/** The order as every edge shows it: the anchor, raw source statuses, the timeline and why. */
export async function getOrder(args: { db: Reader; rules: RuleSet; orderNo: string }) {
  const { db, rules, orderNo } = args;
  const [o] = await db.select().from(orders).where(eq(orders.orderNo, orderNo));
  if (!o) throw new AppError("not_found", `order ${orderNo} not found`);
  const [lines, discounts, [address], ships, statuses, events, changes] = await Promise.all([
    db.select().from(orderLines).where(eq(orderLines.orderNo, orderNo)).orderBy(asc(orderLines.lineNo)),
    db.select().from(orderDiscounts).where(eq(orderDiscounts.orderNo, orderNo)),
    db.select().from(addresses).where(eq(addresses.orderNo, orderNo)),
    db.select().from(shipments).where(eq(shipments.orderNo, orderNo)),
    db.select().from(sourceStatuses).where(eq(sourceStatuses.orderNo, orderNo)),
    db
      .select()
      .from(orderEvents)
      .where(eq(orderEvents.orderNo, orderNo))
      .orderBy(asc(orderEvents.eventTime), asc(orderEvents.id)),
    db.select().from(anchorChanges).where(eq(anchorChanges.orderNo, orderNo)).orderBy(desc(anchorChanges.id)),
  ]);
  const anchor = o.statusAnchor as Anchor;
  return {
    order_no: o.orderNo,
    channel: o.channel,
    status_anchor: anchor,
    status_label: ANCHOR_LABELS[anchor] ?? anchor,
    anchor_cause: {
      rule_id: o.anchorRuleId,
      rule_note: o.anchorRuleId ? (rules.byId(o.anchorRuleId)?.note ?? null) : null,
      event_id: o.anchorEventId,
      changed_at: iso(o.anchorChangedAt),
    },
    amounts: {
      currency: o.currency,
      order_amount: o.orderAmount,
      shipping_fee: o.shippingFee,
      shipping_borne_by: o.shippingBorneBy,
      discount_total: o.discountTotal,
      actual_paid: o.actualPaid,
    },
    buyer: { id: o.buyerId, phone: o.buyerPhone },
    address: address ? { ...address, orderNo: undefined } : null,
    lines: lines.map((l) => ({
      line_no: l.lineNo,
      sku: l.sku,
      name: l.name,
      qty: l.qty,
      unit_price: l.unitPrice,
      amount: l.amount,
      promo_tag: l.promoTag,
    })),
    discounts: discounts.map((d) => ({ kind: d.kind, name: d.name, amount: d.amount })),
    shipments: ships.map((s) => ({
      waybill_no: s.waybillNo,
      carrier: s.carrier,
      state: s.state,
      last_node: s.lastNodeText
        ? { text: s.lastNodeText, at: iso(s.lastNodeAt), area: s.lastNodeArea }
        : null,
      picked_up_at: iso(s.pickedUpAt),
      signed_at: iso(s.signedAt),
    })),
    source_statuses: statuses.map((s) => ({
      source: s.source,
      raw_status: s.rawStatus,
      fields: s.fields,
      event_time: iso(s.eventTime),
    })),
    timeline: events.map((e) => ({
      id: e.id,
      source: e.source,
      kind: e.kind,
      source_event_id: e.sourceEventId,
      event_time: iso(e.eventTime),
      received_at: iso(e.receivedAt),
      raw_status: e.rawStatus,
      rules: e.effects.map((f) => f.ruleId),
      anchor_before: e.anchorBefore,
      anchor_after: e.anchorAfter,
      flag: e.flag,
    })),
    anchor_changes: changes.map((c) => ({
      from: c.fromAnchor,
      to: c.toAnchor,
      at: iso(c.changedAt),
      event_id: c.eventId,
      rule_id: c.ruleId,
      rule_note: c.ruleId ? (rules.byId(c.ruleId)?.note ?? null) : null,
    })),
    created_at: iso(o.createdAt),
    paid_at: iso(o.paidAt),
    updated_at: iso(o.updatedAt),
  };
}

export type OrderView = Awaited<ReturnType<typeof getOrder>>;
