import { eq } from "drizzle-orm";
import { mainRank } from "../anchors/anchor.ts";
import type { RuleSet } from "../anchors/rules.ts";
import type { Tx } from "../db/client.ts";
import { orders } from "../db/schema/index.ts";
import { AppError } from "../errors.ts";
import { refreshFact } from "../facts/refresh-fact.ts";
import { cancelReservations } from "../inventory/cancel-reservations.ts";
import type { ListingChange } from "../inventory/low-stock.ts";
import type { StockSettings } from "../inventory/stock-math.ts";
import { applyEvent } from "./apply-event.ts";

const SHIPPED = mainRank("shipped_at_warehouse");

/** Why an order can no longer be stopped, in words for the person who tried; null if it can. */
export function whyNotStoppable(anchor: string): string | null {
  if (anchor === "cancelled") return "已取消";
  if (anchor === "refunded" || anchor === "closed") return "已退款或关闭";
  if (anchor === "after_sale") return "已在售后中";
  if (mainRank(anchor) >= SHIPPED) return "已发货";
  return null;
}

/**
 * Stops an order before it leaves the warehouse (拦截): an `anchorbot` cancellation event goes into
 * the order's log like any source's, so the anchor folds to cancelled, and the stock comes back.
 * A channel order must still be cancelled or refunded on the channel; the drift list shows it
 * until the channel agrees.
 */
export async function cancelOrder(
  tx: Tx,
  input: {
    orderNo: string;
    reason: string;
    by: string;
    rules: RuleSet;
    settings: StockSettings;
    now: number;
  },
): Promise<{ units: number; listing: ListingChange[] }> {
  const [o] = await tx
    .select({ anchor: orders.statusAnchor })
    .from(orders)
    .where(eq(orders.orderNo, input.orderNo));
  if (!o) throw new AppError("not_found", `订单 ${input.orderNo} 不存在`);
  const moved = whyNotStoppable(o.anchor);
  if (moved)
    throw new AppError("conflict", `订单 ${input.orderNo} ${moved},无法拦截;已发货的请联系快递拦截或走售后`, {
      anchor: o.anchor,
    });
  await applyEvent({
    tx,
    rules: input.rules,
    now: input.now,
    event: {
      source: "anchorbot",
      kind: "decision",
      sourceEventId: `cancel:${input.orderNo}`,
      orderRef: { orderNo: input.orderNo },
      eventTime: input.now,
      rawStatus: "cancelled",
      fields: { status: "cancelled", by: input.by, reason: input.reason },
    },
  });
  await tx
    .update(orders)
    .set({ attention: null, updatedAt: input.now })
    .where(eq(orders.orderNo, input.orderNo));
  await refreshFact(tx, input.orderNo, input.now);
  return cancelReservations(tx, {
    orderNo: input.orderNo,
    reason: input.reason,
    settings: input.settings,
    now: input.now,
  });
}
