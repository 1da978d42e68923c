import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { recomputeAnchor } from "../anchors/recompute.ts";
import type { RuleSet } from "../anchors/rules.ts";
import type { Tx } from "../db/client.ts";
import { orderEvents, orders, shipments, sourceStatuses } from "../db/schema/index.ts";
import type { RuleEffect } from "../db/schema/order-events.ts";
import { AppError } from "../errors.ts";
import type { CanonicalEvent } from "../sources/types.ts";
import { saveSnapshot } from "./save-snapshot.ts";

export interface ApplyResult {
  orderNo: string;
  eventId: number | null;
  duplicate: boolean;
  anchorBefore: string;
  anchorAfter: string;
  effects: RuleEffect[];
  flag: string | null;
}

const CHANNELS = new Set(["taobao", "pdd", "shopee", "miniapp"]);

/** A stable id for events whose source gives none: the same content always gets the same id. */
export function contentEventId(e: CanonicalEvent): string {
  const h = createHash("sha256")
    .update(JSON.stringify([e.kind, e.orderRef, e.eventTime, e.rawStatus, e.fields, e.shipment ?? null]))
    .digest("hex");
  return `sha:${h.slice(0, 32)}`;
}

async function resolveOrderNo(tx: Tx, e: CanonicalEvent): Promise<string> {
  if (e.orderRef.orderNo) return e.orderRef.orderNo;
  if (e.orderRef.waybillNo) {
    const [s] = await tx
      .select({ orderNo: shipments.orderNo })
      .from(shipments)
      .where(eq(shipments.waybillNo, e.orderRef.waybillNo));
    if (s) return s.orderNo;
    throw new AppError("not_found", `no order is linked to waybill ${e.orderRef.waybillNo} yet`);
  }
  throw new AppError("invalid_payload", "event names neither an order nor a waybill");
}

/** Creates the order if new (a stub until its channel speaks) and returns its anchor and snapshot time. */
async function upsertOrder(tx: Tx, orderNo: string, e: CanonicalEvent, now: number) {
  const channel = CHANNELS.has(e.source) ? e.source : "unknown";
  const [row] = await tx
    .insert(orders)
    .values({
      orderNo,
      channel,
      statusAnchor: "",
      createdAt: e.order?.createdAt ?? e.eventTime,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: orders.orderNo,
      set: {
        channel: sql`CASE WHEN ${orders.channel} = 'unknown' THEN excluded.channel ELSE ${orders.channel} END`,
        // Every applied event touches the order, even one that leaves the anchor alone: the drift
        // list checks the orders touched on a day.
        updatedAt: now,
      },
    })
    .returning({ anchor: orders.statusAnchor, snapshotEventTime: orders.snapshotEventTime });
  return row!;
}

async function saveSourceStatus(tx: Tx, orderNo: string, e: CanonicalEvent, eventId: number, now: number) {
  const row = { rawStatus: e.rawStatus, fields: e.fields, eventTime: e.eventTime, eventId, updatedAt: now };
  await tx
    .insert(sourceStatuses)
    .values({ orderNo, source: e.source, ...row })
    .onConflictDoUpdate({
      target: [sourceStatuses.orderNo, sourceStatuses.source],
      set: {
        rawStatus: sql`excluded.raw_status`,
        fields: sql`excluded.fields`,
        eventTime: sql`excluded.event_time`,
        eventId: sql`excluded.event_id`,
        updatedAt: sql`excluded.updated_at`,
      },
      // Only a newer word from the source replaces what it said before.
      setWhere: sql`excluded.event_time >= ${sourceStatuses.eventTime}`,
    });
}

async function saveShipment(tx: Tx, orderNo: string, e: CanonicalEvent, now: number) {
  const s = e.shipment;
  if (!s) return;
  const [cur] = await tx.select().from(shipments).where(eq(shipments.waybillNo, s.waybillNo));
  const tracking = {
    state: s.state ?? null,
    lastNodeText: s.lastNode?.text ?? null,
    lastNodeAt: s.lastNode?.at ?? null,
    lastNodeArea: s.lastNode?.area ?? null,
  };
  if (!cur) {
    await tx.insert(shipments).values({
      orderNo,
      waybillNo: s.waybillNo,
      carrier: s.carrier ?? null,
      ...tracking,
      pickedUpAt: s.pickedUpAt ?? null,
      signedAt: s.signedAt ?? null,
      eventTime: e.eventTime,
      updatedAt: now,
    });
    return;
  }
  const newer = e.eventTime >= cur.eventTime;
  const earliest = (a: number | null, b: number | undefined) =>
    b === undefined ? a : a === null ? b : Math.min(a, b);
  await tx
    .update(shipments)
    .set({
      carrier: cur.carrier ?? s.carrier ?? null,
      ...(newer && s.lastNode ? tracking : {}),
      ...(newer && !s.lastNode && s.state ? { state: s.state } : {}),
      pickedUpAt: earliest(cur.pickedUpAt, s.pickedUpAt),
      signedAt: earliest(cur.signedAt, s.signedAt),
      eventTime: Math.max(cur.eventTime, e.eventTime),
      updatedAt: now,
    })
    .where(eq(shipments.id, cur.id));
}

/**
 * Applies one canonical source event to its order: appends it to the event log (once per source
 * event id), keeps the newest snapshot, raw source status and shipment by event time, and
 * recomputes the anchor from the whole log.
 */
export async function applyEvent(args: {
  tx: Tx;
  rules: RuleSet;
  now: number;
  event: CanonicalEvent;
  inboxId?: number | null;
}): Promise<ApplyResult> {
  const { tx, rules, now, event: e } = args;
  const orderNo = await resolveOrderNo(tx, e);
  const sourceEventId = e.sourceEventId ?? contentEventId(e);
  const effects = rules.evaluate(e.source, e.fields);
  const flag = effects.length === 0 ? "unknown_status" : null;

  const order = await upsertOrder(tx, orderNo, e, now);
  const inserted = await tx
    .insert(orderEvents)
    .values({
      orderNo,
      source: e.source,
      kind: e.kind,
      sourceEventId,
      inboxId: args.inboxId ?? null,
      eventTime: e.eventTime,
      receivedAt: now,
      rawStatus: e.rawStatus,
      fields: e.fields,
      effects,
      flag,
    })
    .onConflictDoNothing()
    .returning({ id: orderEvents.id });
  const eventId = inserted[0]?.id;
  if (eventId === undefined) {
    return {
      orderNo,
      eventId: null,
      duplicate: true,
      anchorBefore: order.anchor,
      anchorAfter: order.anchor,
      effects,
      flag,
    };
  }

  if (e.order && (order.snapshotEventTime === null || order.snapshotEventTime <= e.eventTime)) {
    await saveSnapshot(tx, orderNo, e.source, e.order, e.eventTime, now, order.snapshotEventTime === null);
  }
  await saveSourceStatus(tx, orderNo, e, eventId, now);
  await saveShipment(tx, orderNo, e, now);
  const folded = await recomputeAnchor(tx, orderNo, order.anchor, now, eventId);
  return {
    orderNo,
    eventId,
    duplicate: false,
    anchorBefore: folded.before,
    anchorAfter: folded.anchor,
    effects,
    flag,
  };
}
