import { and, inArray, isNull, lt } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { aftersaleCases } from "../db/schema/index.ts";
import { freezeBuyer } from "./freeze.ts";

export interface Breach {
  caseId: number;
  orderNo: string;
  kind: string;
  status: string;
  idleHours: number;
  frozen: string | null;
}

/**
 * The SLA breaker: every unresolved case nobody touched for `slaMs` is marked escalated (once)
 * and its customer frozen, so their next orders are held until the case is resolved or a
 * supervisor lifts the freeze. The caller sends the escalation cards.
 */
export async function escalateStaleCases(
  tx: Tx,
  input: { slaMs: number; now: number; limit?: number },
): Promise<Breach[]> {
  const stale = await tx
    .select()
    .from(aftersaleCases)
    .where(
      and(
        inArray(aftersaleCases.status, ["open", "refunded", "received"]),
        isNull(aftersaleCases.slaEscalatedAt),
        lt(aftersaleCases.touchedAt, input.now - input.slaMs),
      ),
    )
    .orderBy(aftersaleCases.touchedAt)
    .limit(input.limit ?? 500);
  const out: Breach[] = [];
  for (const c of stale) {
    await tx
      .update(aftersaleCases)
      .set({ slaEscalatedAt: input.now })
      .where(and(inArray(aftersaleCases.id, [c.id]), isNull(aftersaleCases.slaEscalatedAt)));
    const key = c.buyerId ?? c.buyerPhone;
    if (key)
      await freezeBuyer(tx, {
        key,
        reason: `售后 #${c.id}(订单 ${c.orderNo})超过 SLA 未处理`,
        caseId: c.id,
        by: "sla",
        now: input.now,
      });
    out.push({
      caseId: c.id,
      orderNo: c.orderNo,
      kind: c.kind,
      status: c.status,
      idleHours: Math.floor((input.now - c.touchedAt) / 3_600_000),
      frozen: key,
    });
  }
  return out;
}
