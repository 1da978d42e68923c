import { AppError } from "../errors.ts";
import type {
  RefundedSoFar,
  RefundRequestItem,
  SkuRequestItem,
  SplitLine,
  SplitOrder,
} from "./split-types.ts";

const EMPTY: RefundedSoFar = { lines: [], shipping: false };

function positiveQty(qty: unknown, what: string): number {
  if (typeof qty !== "number" || !Number.isSafeInteger(qty) || qty <= 0) {
    throw new AppError("bad_request", `${what} 的退款件数必须是正整数,收到 ${String(qty)}`, {
      qty: String(qty),
    });
  }
  return qty;
}

/** Units already refunded per lineNo; refuses a history that does not fit the order. */
export function refundedUnits(order: SplitOrder, refunded: RefundedSoFar = EMPTY): Map<number, number> {
  const done = new Map<number, number>(order.lines.map((l) => [l.lineNo, 0]));
  for (const r of refunded.lines) {
    const line = order.lines.find((l) => l.lineNo === r.lineNo);
    if (!line) throw new AppError("conflict", `已退记录里有第 ${r.lineNo} 行,但订单没有这一行`);
    if (!Number.isSafeInteger(r.qty) || r.qty < 0) {
      throw new AppError("conflict", `已退记录里第 ${r.lineNo} 行的件数 ${String(r.qty)} 不是非负整数`);
    }
    const sum = done.get(r.lineNo)! + r.qty;
    if (sum > line.qty) {
      throw new AppError(
        "conflict",
        `已退记录里第 ${r.lineNo} 行 ${line.sku} 退了 ${sum} 件,超过购买的 ${line.qty} 件`,
      );
    }
    done.set(r.lineNo, sum);
  }
  return done;
}

function overRefund(line: SplitLine, remaining: number, wanted: number): AppError {
  return new AppError(
    "bad_request",
    `第 ${line.lineNo} 行 ${line.sku} 只剩 ${remaining} 件可退,不能退 ${wanted} 件`,
    {
      lineNo: line.lineNo,
      sku: line.sku,
      remaining,
      requested: wanted,
    },
  );
}

/** Units wanted per lineNo (a lineNo named twice is summed), checked against what remains. */
export function normalizeRequest(
  order: SplitOrder,
  done: ReadonlyMap<number, number>,
  request: readonly RefundRequestItem[],
): Map<number, number> {
  if (request.length === 0) throw new AppError("bad_request", "退款申请是空的:请至少选择一行商品和件数");
  const want = new Map<number, number>();
  for (const item of request) {
    const line = order.lines.find((l) => l.lineNo === item.lineNo);
    if (!line) {
      throw new AppError("bad_request", `订单没有第 ${String(item.lineNo)} 行`, { lineNo: item.lineNo });
    }
    const qty = positiveQty(item.qty, `第 ${line.lineNo} 行 ${line.sku}`);
    want.set(line.lineNo, (want.get(line.lineNo) ?? 0) + qty);
  }
  for (const [lineNo, qty] of want) {
    const line = order.lines.find((l) => l.lineNo === lineNo)!;
    const remaining = line.qty - (done.get(lineNo) ?? 0);
    if (qty > remaining) throw overRefund(line, remaining, qty);
  }
  return want;
}

/**
 * Turns a request by SKU into one by line. A SKU on several lines fills them in order, each up to
 * what it has left, so "退 3 件 SKU-1" works without the agent knowing how the order was split.
 */
export function resolveRequest(
  order: SplitOrder,
  items: readonly SkuRequestItem[],
  refunded: RefundedSoFar = EMPTY,
): RefundRequestItem[] {
  if (items.length === 0) throw new AppError("bad_request", "退款申请是空的:请至少选择一个 SKU 和件数");
  const done = refundedUnits(order, refunded);
  const want = new Map<string, number>();
  for (const item of items) {
    const qty = positiveQty(item.qty, `SKU ${item.sku}`);
    if (!order.lines.some((l) => l.sku === item.sku)) {
      throw new AppError("bad_request", `订单里没有 SKU ${item.sku}`, { sku: item.sku });
    }
    want.set(item.sku, (want.get(item.sku) ?? 0) + qty);
  }
  const out: RefundRequestItem[] = [];
  for (const [sku, qty] of want) {
    const lines = order.lines.filter((l) => l.sku === sku);
    const remaining = lines.reduce((s, l) => s + l.qty - done.get(l.lineNo)!, 0);
    if (qty > remaining) {
      if (lines.length === 1) throw overRefund(lines[0]!, remaining, qty);
      throw new AppError(
        "bad_request",
        `SKU ${sku} 在 ${lines.length} 行里一共只剩 ${remaining} 件可退,不能退 ${qty} 件`,
        {
          sku,
          remaining,
          requested: qty,
        },
      );
    }
    let left = qty;
    for (const l of lines) {
      const take = Math.min(left, l.qty - done.get(l.lineNo)!);
      if (take > 0) out.push({ lineNo: l.lineNo, qty: take });
      left -= take;
    }
  }
  return out;
}
