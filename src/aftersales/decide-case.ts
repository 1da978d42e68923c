import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { Reader, Tx } from "../db/client.ts";
import { aftersaleCases, refundRows, refunds, returnScans } from "../db/schema/index.ts";
import { AppError } from "../errors.ts";
import { refreshFact } from "../facts/refresh-fact.ts";
import { advanceCase } from "./advance-case.ts";
import { unfreezeForCase } from "./freeze.ts";
import { refundedUnits } from "./open-case.ts";
import { quoteRefund } from "./split.ts";
import type { RefundQuote, SplitPolicy } from "./split-types.ts";
import { isResolved, STATUS_LABELS } from "./status.ts";

async function loadCase(db: Reader, caseId: number) {
  const [c] = await db.select().from(aftersaleCases).where(eq(aftersaleCases.id, caseId));
  if (!c) throw new AppError("not_found", `售后 #${caseId}`);
  return c;
}

/** What refunding the case's lines would pay back now, after every refund already approved. */
export async function quoteCase(db: Reader, caseId: number, policy: SplitPolicy): Promise<RefundQuote> {
  const c = await loadCase(db, caseId);
  const done = await refundedUnits(db, c.orderNo);
  return quoteRefund({
    order: c.money,
    refunded: { lines: [...done.units].map(([lineNo, qty]) => ({ lineNo, qty })), shipping: done.shipping },
    request: c.lines.map((l) => ({ lineNo: l.lineNo, qty: l.qty })),
    policy,
  });
}

/**
 * Approves the case's refund: the split is written as a voucher (one row per line per
 * component) in the same transaction. The unique case id on `refunds` means two approvals racing
 * write one voucher; the loser gets a conflict naming who approved.
 */
export async function approveRefund(
  tx: Tx,
  input: { caseId: number; by: string; now: number; policy: SplitPolicy },
) {
  const c = await loadCase(tx, input.caseId);
  if (c.kind === "exchange") throw new AppError("conflict", `售后 #${c.id} 是换货,没有退款可批准`);
  if (isResolved(c.status))
    throw new AppError("conflict", `售后 #${c.id} ${STATUS_LABELS[c.status]},不能再批准退款`);
  const [prior] = await tx.select().from(refunds).where(eq(refunds.caseId, c.id));
  if (prior) throw new AppError("conflict", `售后 #${c.id} 的退款已由 ${prior.approvedBy} 批准`);
  const quote = await quoteCase(tx, c.id, input.policy);
  const channelAmount = c.channel === "miniapp" ? null : quote.total;
  const [refund] = await tx
    .insert(refunds)
    .values({
      caseId: c.id,
      orderNo: c.orderNo,
      total: quote.total,
      shipping: quote.shipping,
      pointsReturned: quote.pointsReturned,
      channelAmount,
      approvedBy: input.by,
      createdAt: input.now,
    })
    .onConflictDoNothing()
    .returning({ id: refunds.id });
  if (!refund) throw new AppError("conflict", `售后 #${c.id} 的退款刚刚已被批准`);
  const rows: (typeof refundRows.$inferInsert)[] = quote.lines.flatMap((l) =>
    l.components.map((k) => ({
      refundId: refund.id,
      orderNo: c.orderNo,
      lineNo: l.lineNo,
      sku: l.sku,
      qty: l.qty,
      component: k.component,
      name: k.name,
      amount: k.amount,
    })),
  );
  if (quote.shipping > 0)
    rows.push({
      refundId: refund.id,
      orderNo: c.orderNo,
      qty: 0,
      component: "shipping",
      name: "运费",
      amount: quote.shipping,
    });
  if (rows.length > 0) await tx.insert(refundRows).values(rows);
  const status = await advanceCase(tx, c, "refunded", input.now);
  await refreshFact(tx, c.orderNo, input.now);
  return { refundId: refund.id, caseId: c.id, orderNo: c.orderNo, status, quote, channelAmount };
}

export async function rejectCase(tx: Tx, input: { caseId: number; by: string; reason: string; now: number }) {
  const c = await loadCase(tx, input.caseId);
  if (isResolved(c.status)) throw new AppError("conflict", `售后 #${c.id} ${STATUS_LABELS[c.status]}`);
  if (c.status === "refunded") throw new AppError("conflict", `售后 #${c.id} 已退款,不能驳回`);
  await tx
    .update(aftersaleCases)
    .set({
      status: "rejected",
      touchedAt: input.now,
      resolvedAt: input.now,
      resolution: `rejected: ${input.reason}`.slice(0, 300),
    })
    .where(and(eq(aftersaleCases.id, c.id), inArray(aftersaleCases.status, ["open", "received"])));
  const lifted = await unfreezeForCase(tx, c.id);
  await refreshFact(tx, c.orderNo, input.now);
  return { caseId: c.id, orderNo: c.orderNo, lifted };
}

/** A person takes the case: it is theirs, and the SLA clock restarts. */
export async function claimCase(tx: Tx, input: { caseId: number; by: string; now: number }) {
  const c = await loadCase(tx, input.caseId);
  if (isResolved(c.status)) throw new AppError("conflict", `售后 #${c.id} ${STATUS_LABELS[c.status]}`);
  await tx
    .update(aftersaleCases)
    .set({ claimedBy: input.by, touchedAt: input.now })
    .where(eq(aftersaleCases.id, c.id));
  return { caseId: c.id, orderNo: c.orderNo, previous: c.claimedBy };
}

export async function setReturnWaybill(tx: Tx, input: { caseId: number; waybill: string; now: number }) {
  const c = await loadCase(tx, input.caseId);
  if (c.kind === "refund_only") throw new AppError("conflict", `售后 #${c.id} 是仅退款,没有退货`);
  const waybill = input.waybill.trim();
  if (!/^[0-9A-Za-z-]{6,40}$/.test(waybill))
    throw new AppError("bad_request", `运单号「${input.waybill}」格式不对`);
  await tx
    .update(aftersaleCases)
    .set({ returnWaybill: waybill, returnState: "registered", touchedAt: input.now })
    .where(eq(aftersaleCases.id, c.id));
  return { caseId: c.id, waybill };
}

/** The case with its refund voucher and its return scans. */
export async function getCase(db: Reader, caseId: number) {
  const c = await loadCase(db, caseId);
  const [refund] = await db.select().from(refunds).where(eq(refunds.caseId, c.id));
  const [rows, scans] = await Promise.all([
    refund
      ? db.select().from(refundRows).where(eq(refundRows.refundId, refund.id)).orderBy(asc(refundRows.id))
      : [],
    db.select().from(returnScans).where(eq(returnScans.caseId, c.id)).orderBy(asc(returnScans.id)),
  ]);
  return { case: c, refund: refund ?? null, voucher: rows, scans };
}

export async function casesOfOrder(db: Reader, orderNo: string) {
  return db
    .select()
    .from(aftersaleCases)
    .where(eq(aftersaleCases.orderNo, orderNo))
    .orderBy(desc(aftersaleCases.id));
}
