import { and, eq, inArray, sql } from "drizzle-orm";
import { ruleById } from "../alerts/catalog.ts";
import { recordHit } from "../alerts/record-hit.ts";
import type { Reader, Tx } from "../db/client.ts";
import { type AlertLevel, alertHits, orders } from "../db/schema/index.ts";

/** SPEC §2.6 logistics rule: shipped and no carrier pickup within 48 h (the rule's `hours`). */
export const PICKUP_WINDOW_MS = 48 * 3_600_000;
export const PICKUP_RULE_ID = "pickup_overdue";

export interface OverduePickup {
  orderNo: string;
  waybillNo: string;
  carrier: string | null;
  /** Event time of the warehouse event that made the order shipped_at_warehouse. */
  shippedAt: number;
}

/**
 * Shipments the warehouse handed out that no carrier has scanned: the order still stands at
 * shipped_at_warehouse (any carrier scan moves it to in_transit) and the shipment has neither a
 * pickup nor a signature, since longer than the window. "Shipped" is the event time of the event
 * that set the anchor (event time decides, as everywhere), else when the anchor changed.
 */
export async function listOverduePickups(args: {
  db: Reader;
  now: number;
  windowMs?: number;
}): Promise<OverduePickup[]> {
  const cutoff = args.now - (args.windowMs ?? PICKUP_WINDOW_MS);
  const rows = await args.db.all<{
    order_no: string;
    waybill_no: string;
    carrier: string | null;
    shipped_at: number;
  }>(sql`
    select s.order_no, s.waybill_no, s.carrier, coalesce(e.event_time, o.anchor_changed_at) as shipped_at
      from shipments s
      join orders o on o.order_no = s.order_no
      left join order_events e on e.id = o.anchor_event_id
     where s.picked_up_at is null and s.signed_at is null
       and o.status_anchor = 'shipped_at_warehouse'
       and coalesce(e.event_time, o.anchor_changed_at) < ${cutoff}
     order by shipped_at, s.order_no, s.waybill_no`);
  return rows.map((r) => ({
    orderNo: r.order_no,
    waybillNo: r.waybill_no,
    carrier: r.carrier,
    shippedAt: Number(r.shipped_at),
  }));
}

/**
 * Records one `pickup_overdue` hit per order the first time it is found overdue (hits of a day
 * group together), so the hourly check tells people once, not every hour, and closes the hits of
 * orders a carrier has since picked up. Returns the orders hit now.
 */
export async function alertOverduePickups(
  tx: Tx,
  input: { overdue: OverduePickup[]; now: number; level: AlertLevel; hours: number },
): Promise<Set<string>> {
  const rule = ruleById(PICKUP_RULE_ID);
  await tx.run(sql`
    UPDATE alert_hits SET status = 'decided', outcome = 'noted', decided_by = 'system', decided_at = ${input.now}
     WHERE rule_id = ${PICKUP_RULE_ID} AND status = 'open'
       AND order_no IN (SELECT order_no FROM orders WHERE status_anchor <> 'shipped_at_warehouse')`);
  const orderNos = [...new Set(input.overdue.map((o) => o.orderNo))];
  const fresh = new Set<string>();
  // Chunked: SQLite caps bound variables per statement.
  for (let i = 0; i < orderNos.length; i += 500) {
    const chunk = orderNos.slice(i, i + 500);
    const known = await tx
      .select({ orderNo: alertHits.orderNo })
      .from(alertHits)
      .where(and(eq(alertHits.ruleId, PICKUP_RULE_ID), inArray(alertHits.orderNo, chunk)));
    const seen = new Set(known.map((k) => k.orderNo));
    for (const no of chunk) if (!seen.has(no)) fresh.add(no);
  }
  const raised = new Set<string>();
  for (const o of input.overdue) {
    if (!fresh.has(o.orderNo) || raised.has(o.orderNo)) continue;
    raised.add(o.orderNo);
    const [order] = await tx
      .select({ paid: orders.actualPaid })
      .from(orders)
      .where(eq(orders.orderNo, o.orderNo));
    await recordHit(tx, {
      rule,
      level: input.level,
      orderNo: o.orderNo,
      amount: order?.paid ?? 0,
      now: input.now,
      escalateAfterMs: null,
      finding: {
        key: "pickup",
        message: `订单 ${o.orderNo} 出库超过 ${input.hours} 小时无揽收(运单 ${o.waybillNo})`,
        details: { waybill_no: o.waybillNo, carrier: o.carrier, shipped_at: o.shippedAt },
      },
    });
  }
  return fresh;
}
