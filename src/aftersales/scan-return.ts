import { and, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { aftersaleCases, returnScans, skus, stockMovements } from "../db/schema/index.ts";
import { AppError } from "../errors.ts";
import { refreshFact } from "../facts/refresh-fact.ts";
import { advanceCase } from "./advance-case.ts";
import { verifyOrderRef } from "./qr.ts";

const REFUSALS = {
  not_order_code: "这不是订单二维码(可能扫了商品条码):请扫描面单上 anchorbot 打印的订单码",
  bad_signature: "二维码校验失败:不是本店签发的订单码,或内容被改过",
  no_open_case: "这个订单没有待收货的退货/换货售后",
  already_used: "这个订单码已经扫过,退货已入库",
} as const;

export type ScanRefusal = keyof typeof REFUSALS;

/**
 * The warehouse scanned an order's QR code: find the case waiting for its goods, put the units
 * back in stock (movement `return`), reverse their cost, move the case on. Every scan is recorded,
 * refused ones with the reason, in the same transaction.
 */
export async function scanReturn(tx: Tx, input: { secret: string; code: string; by: string; now: number }) {
  const code = input.code.trim().slice(0, 300);
  const check = verifyOrderRef(input.secret, code);
  const refuse = async (reason: ScanRefusal, orderNo: string | null) => {
    await tx.insert(returnScans).values({ code, orderNo, result: reason, by: input.by, at: input.now });
    return { ok: false as const, reason, message: REFUSALS[reason], orderNo };
  };
  if (!check.ok) return refuse(check.reason, null);
  const orderNo = check.orderNo;
  const cases = await tx
    .select()
    .from(aftersaleCases)
    .where(
      and(
        eq(aftersaleCases.orderNo, orderNo),
        inArray(aftersaleCases.kind, ["return_refund", "exchange"]),
        inArray(aftersaleCases.status, ["open", "refunded"]),
      ),
    )
    .orderBy(aftersaleCases.id);
  const c = cases[0];
  if (!c) {
    const [used] = await tx
      .select({ id: returnScans.id })
      .from(returnScans)
      .where(and(eq(returnScans.orderNo, orderNo), eq(returnScans.result, "received")))
      .limit(1);
    return refuse(used ? "already_used" : "no_open_case", orderNo);
  }
  let cost = 0;
  for (const l of c.lines) {
    const [s] = await tx
      .update(skus)
      .set({ onHand: sql`${skus.onHand} + ${l.qty}`, updatedAt: input.now })
      .where(eq(skus.sku, l.sku))
      .returning({ cost: skus.cost });
    if (!s) throw new AppError("conflict", `SKU ${l.sku} 不在库存表里,无法入库`);
    cost += s.cost * l.qty;
    await tx.insert(stockMovements).values({
      sku: l.sku,
      kind: "return",
      deltaOnHand: l.qty,
      deltaReserved: 0,
      orderNo,
      ref: `aftersale:${c.id}`,
      note: `退货入库 ${l.qty} 件,冲回成本 ${s.cost * l.qty} 分`,
      at: input.now,
    });
  }
  const status = await advanceCase(tx, c, "received", input.now, {
    receivedAt: input.now,
    costReversed: cost,
  });
  await tx
    .insert(returnScans)
    .values({ code, orderNo, caseId: c.id, result: "received", by: input.by, at: input.now });
  await refreshFact(tx, orderNo, input.now);
  return { ok: true as const, orderNo, caseId: c.id, status, lines: c.lines, costReversed: cost };
}
