import { asc, eq } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { anchorChanges, orderEvents, orders } from "../db/schema/index.ts";
import { type FoldResult, foldAnchor } from "./fold.ts";

/**
 * Recomputes an order's anchor from its whole event log and records a change when it moved.
 * Always folding the full log (a handful of rows per order) is what makes a late event land
 * exactly where an on-time one would have.
 */
export async function recomputeAnchor(
  tx: Tx,
  orderNo: string,
  /** The anchor the order has now ("" for a new order). */
  before: string,
  now: number,
  /** The event being applied, whose anchor_before/after are recorded. */
  eventId?: number,
): Promise<FoldResult & { before: string }> {
  const order = { anchor: before };
  const events = await tx
    .select({
      id: orderEvents.id,
      source: orderEvents.source,
      sourceEventId: orderEvents.sourceEventId,
      eventTime: orderEvents.eventTime,
      effects: orderEvents.effects,
    })
    .from(orderEvents)
    .where(eq(orderEvents.orderNo, orderNo))
    .orderBy(asc(orderEvents.eventTime));
  const result = foldAnchor(events);
  if (result.anchor !== order.anchor) {
    await tx
      .update(orders)
      .set({
        statusAnchor: result.anchor,
        anchorRuleId: result.cause?.ruleId ?? null,
        anchorEventId: result.cause?.eventId ?? null,
        anchorChangedAt: now,
        updatedAt: now,
      })
      .where(eq(orders.orderNo, orderNo));
    // A new order starts with an empty anchor, so its first anchor is recorded as a change too.
    await tx.insert(anchorChanges).values({
      orderNo,
      fromAnchor: order.anchor || null,
      toAnchor: result.anchor,
      eventId: result.cause?.eventId ?? null,
      ruleId: result.cause?.ruleId ?? null,
      changedAt: now,
    });
  }
  if (eventId !== undefined) {
    await tx
      .update(orderEvents)
      .set({ anchorBefore: before || null, anchorAfter: result.anchor })
      .where(eq(orderEvents.id, eventId));
  }
  return { ...result, before: order.anchor };
}
