import { eq } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { addresses, buyers, orderDiscounts, orderLines, orders } from "../db/schema/index.ts";
import type { OrderSnapshot } from "../sources/types.ts";

/**
 * Replaces the order's lines, discounts, address, buyer and money with a snapshot. The caller
 * checks the order holds no newer snapshot (by event time): a late payload never rolls data back.
 */
export async function saveSnapshot(
  tx: Tx,
  orderNo: string,
  channel: string,
  snap: OrderSnapshot,
  eventTime: number,
  now: number,
  /** The order had no snapshot yet: nothing to delete first. */
  first = false,
): Promise<void> {
  let buyerId: string | null = null;
  const b = snap.buyer;
  const externalId = b?.id ?? b?.nick ?? b?.phone;
  if (b && externalId) {
    buyerId = `${channel}:${externalId}`;
    await tx
      .insert(buyers)
      .values({
        id: buyerId,
        channel,
        externalId,
        nick: b.nick ?? null,
        phone: b.phone ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: buyers.id,
        set: { nick: b.nick ?? null, phone: b.phone ?? null, updatedAt: now },
      });
  }
  const discountTotal = snap.discounts.reduce((s, d) => s + d.amount, 0);
  const goods = snap.lines.reduce((s, l) => s + l.unitPrice * l.qty, 0);
  await tx
    .update(orders)
    .set({
      currency: snap.currency,
      buyerId,
      buyerPhone: b?.phone ?? snap.address?.phone ?? null,
      orderAmount: snap.orderAmount ?? goods,
      shippingFee: snap.shippingFee ?? null,
      shippingBorneBy: snap.shippingBorneBy ?? null,
      discountTotal,
      actualPaid: snap.actualPaid ?? null,
      ...(snap.paidAt ? { paidAt: snap.paidAt } : {}),
      ...(snap.createdAt ? { createdAt: snap.createdAt } : {}),
      snapshotEventTime: eventTime,
      updatedAt: now,
    })
    .where(eq(orders.orderNo, orderNo));

  if (!first) await tx.delete(orderLines).where(eq(orderLines.orderNo, orderNo));
  if (snap.lines.length > 0) {
    await tx.insert(orderLines).values(
      snap.lines.map((l, i) => ({
        orderNo,
        lineNo: i + 1,
        sku: l.sku,
        name: l.name ?? null,
        qty: l.qty,
        unitPrice: l.unitPrice,
        amount: l.amount ?? null,
        promoTag: l.promoTag ?? null,
      })),
    );
  }
  if (!first) await tx.delete(orderDiscounts).where(eq(orderDiscounts.orderNo, orderNo));
  if (snap.discounts.length > 0) {
    await tx.insert(orderDiscounts).values(snap.discounts.map((d) => ({ orderNo, ...d })));
  }
  if (snap.address) {
    const a = snap.address;
    const row = {
      name: a.name ?? null,
      phone: a.phone ?? null,
      province: a.province ?? null,
      city: a.city ?? null,
      district: a.district ?? null,
      detail: a.detail ?? null,
    };
    await tx
      .insert(addresses)
      .values({ orderNo, ...row })
      .onConflictDoUpdate({ target: addresses.orderNo, set: row });
  }
}
