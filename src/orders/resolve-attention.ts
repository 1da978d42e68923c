import { and, eq } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { alerts, orders } from "../db/schema/index.ts";
import { AppError } from "../errors.ts";

export const RESOLUTIONS = {
  refunded: "已退款给买家",
  restocked: "已补货,安排发货",
  cancelled: "已与买家协商取消",
  released: "审核通过,放行",
} as const;
export type Resolution = keyof typeof RESOLUTIONS;

/** The resolutions that make sense for each reason an order was flagged. */
export function resolutionsFor(attention: string): Resolution[] {
  return attention === "held_frozen_buyer" || attention === "held_alert" || attention === "locked_alert"
    ? ["released", "cancelled"]
    : ["refunded", "restocked", "cancelled"];
}

export function isResolution(v: string): v is Resolution {
  return v in RESOLUTIONS;
}

/**
 * A person settled what flagged the order (paid without stock, oversold at intake): the flag is
 * cleared, the order's open alerts are resolved, and the caller audits who did it.
 */
export async function resolveAttention(
  tx: Tx,
  input: { orderNo: string; resolution: string; now: number },
): Promise<{ attention: string; resolution: Resolution }> {
  if (!isResolution(input.resolution))
    throw new AppError(
      "bad_request",
      `unknown resolution "${input.resolution}": use ${Object.keys(RESOLUTIONS).join(", ")}`,
    );
  const [o] = await tx
    .select({ attention: orders.attention })
    .from(orders)
    .where(eq(orders.orderNo, input.orderNo));
  if (!o) throw new AppError("not_found", `订单 ${input.orderNo}`);
  if (!o.attention) throw new AppError("conflict", `订单 ${input.orderNo} 没有待处理的异常`);
  if (!resolutionsFor(o.attention).includes(input.resolution))
    throw new AppError(
      "conflict",
      `「${RESOLUTIONS[input.resolution]}」不适用于订单 ${input.orderNo} 的这个异常`,
    );
  await tx
    .update(orders)
    .set({ attention: null, updatedAt: input.now })
    .where(eq(orders.orderNo, input.orderNo));
  await tx
    .update(alerts)
    .set({ status: "resolved", resolvedAt: input.now })
    .where(and(eq(alerts.orderNo, input.orderNo), eq(alerts.status, "open")));
  return { attention: o.attention, resolution: input.resolution };
}
