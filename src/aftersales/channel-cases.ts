import { and, eq, inArray } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { aftersaleCases } from "../db/schema/index.ts";
import { AppError } from "../errors.ts";
import type { CanonicalEvent } from "../sources/types.ts";
import { unfreezeForCase } from "./freeze.ts";
import { openCase } from "./open-case.ts";

const RETURN_STATES: Record<string, string> = {
  "0": "in_transit",
  "1": "collected",
  "3": "signed",
  "4": "rejected",
  "14": "rejected",
  "6": "returning",
};

export const RETURN_STATE_LABELS: Record<string, string> = {
  in_transit: "退货运输中",
  collected: "退货已揽收",
  signed: "退货已签收",
  rejected: "退货被拒收",
  returning: "退货退回中",
};

/**
 * A channel said a refund opened (a rule with after_sale "open"): open one case per order and
 * source for every unit not already refunded or claimed. A refund the channel closed closes its
 * case. Returns the case opened, if any.
 */
export async function syncChannelCase(
  tx: Tx,
  input: {
    orderNo: string;
    source: string;
    afterSale: "open" | "closed";
    rawStatus: string | null;
    now: number;
  },
) {
  const channelRef = `${input.source}:refund`;
  if (input.afterSale === "closed") {
    const closed = await tx
      .update(aftersaleCases)
      .set({
        status: "closed",
        resolvedAt: input.now,
        resolution: `channel:${input.rawStatus ?? "closed"}`,
        touchedAt: input.now,
      })
      .where(
        and(
          eq(aftersaleCases.orderNo, input.orderNo),
          eq(aftersaleCases.channelRef, channelRef),
          inArray(aftersaleCases.status, ["open", "refunded", "received"]),
        ),
      )
      .returning({ id: aftersaleCases.id });
    for (const c of closed) await unfreezeForCase(tx, c.id);
    return null;
  }
  const [existing] = await tx
    .select({ id: aftersaleCases.id })
    .from(aftersaleCases)
    .where(and(eq(aftersaleCases.orderNo, input.orderNo), eq(aftersaleCases.channelRef, channelRef)));
  if (existing) return null;
  try {
    return await tx.transaction((sp) =>
      openCase(sp, {
        orderNo: input.orderNo,
        kind: "refund_only",
        lines: "all",
        source: "channel",
        channelRef,
        reason: `渠道退款状态 ${input.rawStatus ?? ""}`.trim(),
        by: input.source,
        now: input.now,
      }),
    );
  } catch (e) {
    // Nothing left to claim (already refunded here) or the order cannot take a case: the anchor
    // still shows 售后中; there is simply no new case to open.
    if (e instanceof AppError) return null;
    throw e;
  }
}

/**
 * A carrier push for a waybill that is a return shipment: the case follows it (signed, rejected…).
 * Returns the case it updated, or null when the waybill is not a return.
 */
export async function trackReturn(tx: Tx, event: CanonicalEvent, now: number) {
  const waybill = event.orderRef.waybillNo;
  if (event.source !== "logistics" || !waybill) return null;
  const state = RETURN_STATES[String(event.fields.state ?? "")] ?? String(event.fields.state ?? "unknown");
  const [c] = await tx
    .update(aftersaleCases)
    .set({ returnState: state, touchedAt: now })
    .where(eq(aftersaleCases.returnWaybill, waybill))
    .returning({ id: aftersaleCases.id, orderNo: aftersaleCases.orderNo });
  return c ? { caseId: c.id, orderNo: c.orderNo, state } : null;
}
