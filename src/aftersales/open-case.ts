import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Reader, Tx } from "../db/client.ts";
import {
  type AftersaleKind,
  aftersaleCases,
  type CaseLine,
  type CaseMoney,
  orderDiscounts,
  orderLines,
  orders,
  refundRows,
} from "../db/schema/index.ts";
import { AppError } from "../errors.ts";
import { refreshFact } from "../facts/refresh-fact.ts";

export const KINDS: Record<AftersaleKind, string> = {
  refund_only: "仅退款",
  return_refund: "退货退款",
  exchange: "换货",
};

export function parseKind(v: string | undefined): AftersaleKind {
  const k = (v ?? "").trim().toLowerCase();
  const found = Object.entries(KINDS).find(([id, label]) => id === k || label === v?.trim());
  if (found) return found[0] as AftersaleKind;
  if (["退款", "refund"].includes(k)) return "refund_only";
  if (["退货", "return"].includes(k)) return "return_refund";
  if (["换", "换货"].includes(k)) return "exchange";
  throw new AppError(
    "bad_request",
    `售后类型「${v ?? ""}」不认识:用 仅退款(refund_only)、退货退款(return_refund)或 换货(exchange)`,
  );
}

/** The order's money and lines as they are now: what a case copies and a refund is split from. */
export async function orderMoney(db: Reader, orderNo: string) {
  const [o] = await db.select().from(orders).where(eq(orders.orderNo, orderNo));
  if (!o) throw new AppError("not_found", `订单 ${orderNo}`);
  const [lines, discounts] = await Promise.all([
    db.select().from(orderLines).where(eq(orderLines.orderNo, orderNo)).orderBy(asc(orderLines.lineNo)),
    db.select().from(orderDiscounts).where(eq(orderDiscounts.orderNo, orderNo)),
  ]);
  const goods = lines.reduce((s, l) => s + l.unitPrice * l.qty, 0);
  const discountTotal = discounts.reduce((s, d) => s + d.amount, 0);
  const bearer = o.shippingBorneBy === "seller" ? "seller" : "buyer";
  const shipping = o.shippingFee ?? 0;
  const money: CaseMoney = {
    orderAmount: o.orderAmount ?? goods,
    actualPaid: o.actualPaid ?? goods - discountTotal + (bearer === "buyer" ? shipping : 0),
    shippingFee: shipping,
    shippingBorneBy: bearer,
    lines: lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, qty: l.qty, unitPrice: l.unitPrice })),
    discounts: discounts.map((d) => ({
      kind: (["full_reduction", "coupon", "points"].includes(d.kind)
        ? d.kind
        : "other") as CaseMoney["discounts"][number]["kind"],
      name: d.name,
      amount: d.amount,
    })),
  };
  return { order: o, money };
}

/** Units of each line already covered by approved refunds. */
export async function refundedUnits(
  db: Reader,
  orderNo: string,
): Promise<{ units: Map<number, number>; shipping: boolean }> {
  const rows = await db
    .select({ lineNo: refundRows.lineNo, qty: sql<number>`sum(${refundRows.qty})` })
    .from(refundRows)
    .where(and(eq(refundRows.orderNo, orderNo), eq(refundRows.component, "goods")))
    .groupBy(refundRows.lineNo);
  const [ship] = await db
    .select({ n: sql<number>`count(*)` })
    .from(refundRows)
    .where(and(eq(refundRows.orderNo, orderNo), eq(refundRows.component, "shipping")));
  return {
    units: new Map(
      rows.flatMap((r) => (r.lineNo == null ? [] : [[r.lineNo, Number(r.qty)] as [number, number]])),
    ),
    shipping: Number(ship?.n ?? 0) > 0,
  };
}

/** `SKU-1x2` / `SKU-1*2` / `SKU-1` (all units) → a requested line. */
export function parseLineSpec(spec: string): { sku: string; qty: number | null } {
  const m = /^(.+?)(?:[x×*](\d+))?$/i.exec(spec.trim());
  if (!m?.[1]) throw new AppError("bad_request", `看不懂「${spec}」:写成 SKU×数量,例如 SKU-1x2`);
  const qty = m[2] === undefined ? null : Number(m[2]);
  if (qty !== null && (!Number.isSafeInteger(qty) || qty <= 0))
    throw new AppError("bad_request", `「${spec}」的数量必须是正整数`);
  return { sku: m[1], qty };
}

/**
 * Maps requested SKUs and quantities onto the order's lines, refusing what the order does not
 * have or what is already refunded or claimed by another open case. `qty: null` = all that remain.
 */
export function resolveLines(
  money: CaseMoney,
  requested: { sku?: string; lineNo?: number; qty: number | null }[],
  taken: Map<number, number>,
): CaseLine[] {
  if (requested.length === 0) return [];
  const left = new Map(money.lines.map((l) => [l.lineNo, l.qty - (taken.get(l.lineNo) ?? 0)]));
  const out = new Map<number, CaseLine>();
  for (const r of requested) {
    const candidates = money.lines.filter((l) =>
      r.lineNo != null ? l.lineNo === r.lineNo : l.sku === r.sku,
    );
    const what = r.lineNo != null ? `第 ${r.lineNo} 行` : `SKU ${r.sku}`;
    if (candidates.length === 0) throw new AppError("bad_request", `订单里没有 ${what}`);
    const available = candidates.reduce((s, l) => s + Math.max(0, left.get(l.lineNo) ?? 0), 0);
    let want = r.qty ?? available;
    if (r.qty !== null && (!Number.isSafeInteger(r.qty) || r.qty <= 0))
      throw new AppError("bad_request", `${what} 的数量必须是正整数`);
    if (want === 0 || want > available)
      throw new AppError(
        "conflict",
        `${what} 只剩 ${available} 件可申请售后(已退或已在处理中的不算),不能申请 ${r.qty ?? want} 件`,
        { sku: r.sku, available },
      );
    for (const l of candidates) {
      const free = Math.max(0, left.get(l.lineNo) ?? 0);
      const n = Math.min(free, want);
      if (n === 0) continue;
      left.set(l.lineNo, free - n);
      want -= n;
      const prev = out.get(l.lineNo);
      out.set(l.lineNo, { lineNo: l.lineNo, sku: l.sku, qty: (prev?.qty ?? 0) + n });
      if (want === 0) break;
    }
  }
  return [...out.values()].sort((a, b) => a.lineNo - b.lineNo);
}

/** Units already refunded plus units in other cases still open: what a new case cannot claim. */
async function unitsTaken(db: Reader, orderNo: string): Promise<Map<number, number>> {
  const { units } = await refundedUnits(db, orderNo);
  const open = await db
    .select({ lines: aftersaleCases.lines })
    .from(aftersaleCases)
    .where(and(eq(aftersaleCases.orderNo, orderNo), inArray(aftersaleCases.status, ["open", "received"])));
  const taken = new Map(units);
  for (const c of open) for (const l of c.lines) taken.set(l.lineNo, (taken.get(l.lineNo) ?? 0) + l.qty);
  return taken;
}

export interface OpenCaseInput {
  orderNo: string;
  kind: AftersaleKind;
  /** The lines and units asked for, or "all" for every unit not yet refunded or claimed. */
  lines: { sku?: string; lineNo?: number; qty: number | null }[] | "all";
  reason?: string | null;
  source: "api" | "chat" | "channel";
  channelRef?: string | null;
  by: string;
  now: number;
}

/** Opens a case on an existing order with the order's money copied as it is now. */
export async function openCase(tx: Tx, input: OpenCaseInput) {
  const { order, money } = await orderMoney(tx, input.orderNo);
  if (order.statusAnchor === "cancelled" || order.statusAnchor === "closed")
    throw new AppError(
      "conflict",
      `订单 ${input.orderNo} 已${order.statusAnchor === "cancelled" ? "取消" : "关闭"},不能申请售后`,
    );
  if (order.paidAt == null && order.statusAnchor === "created")
    throw new AppError("conflict", `订单 ${input.orderNo} 还没有付款,不能申请售后`);
  const taken = await unitsTaken(tx, input.orderNo);
  const requested =
    input.lines === "all"
      ? money.lines
          .filter((l) => l.qty > (taken.get(l.lineNo) ?? 0))
          .map((l) => ({ lineNo: l.lineNo, qty: null }))
      : input.lines;
  if (requested.length === 0)
    throw new AppError(
      input.lines === "all" ? "conflict" : "bad_request",
      input.lines === "all"
        ? `订单 ${input.orderNo} 的商品都已退款或在售后中`
        : "请选择要售后的商品和数量,例如 SKU-1x1",
    );
  const lines = resolveLines(money, requested, taken);
  const [row] = await tx
    .insert(aftersaleCases)
    .values({
      orderNo: input.orderNo,
      channel: order.channel,
      kind: input.kind,
      status: "open",
      source: input.source,
      channelRef: input.channelRef ?? null,
      reason: input.reason?.slice(0, 500) ?? null,
      buyerId: order.buyerId,
      buyerPhone: order.buyerPhone,
      lines,
      money,
      createdBy: input.by,
      createdAt: input.now,
      touchedAt: input.now,
    })
    .returning();
  await refreshFact(tx, input.orderNo, input.now);
  return row!;
}
