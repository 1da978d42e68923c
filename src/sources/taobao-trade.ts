import { idString } from "./json.ts";
import { yuanToCents } from "./money.ts";
import { ParseError } from "./parse-error.ts";
import { asObj, listOf, type Obj, optObj, optStr, optText, reqInt, reqStr } from "./read.ts";
import { chinaTimeToMs } from "./time.ts";
import type { CanonicalEvent, DiscountSnapshot, OrderLineSnapshot, ShipmentFacts } from "./types.ts";

const OPEN_REFUNDS = new Set([
  "WAIT_SELLER_AGREE",
  "WAIT_BUYER_RETURN_GOODS",
  "WAIT_SELLER_CONFIRM_GOODS",
  "SELLER_REFUSE_BUYER",
]);

/** "success" when every sub-order is refunded, "open" while any refund is in progress, else "none". */
export function refundState(statuses: (string | undefined)[]): "success" | "open" | "none" {
  if (statuses.length > 0 && statuses.every((s) => s === "SUCCESS")) return "success";
  return statuses.some((s) => s !== undefined && OPEN_REFUNDS.has(s)) ? "open" : "none";
}

export function discountKind(name: string): DiscountSnapshot["kind"] {
  if (name.includes("券")) return "coupon";
  if (name.includes("满")) return "full_reduction";
  if (name.includes("积分")) return "points";
  return "other";
}

const optYuan = (o: Obj, key: string, base: string) =>
  o[key] === undefined || o[key] === null || o[key] === ""
    ? undefined
    : yuanToCents(o[key], `${base}.${key}`);
const reqYuan = (o: Obj, key: string, base: string) => yuanToCents(o[key], `${base}.${key}`);
const optTime = (o: Obj, key: string, base: string) => {
  const v = optStr(o, key, base);
  return v === undefined ? undefined : chinaTimeToMs(v, `${base}.${key}`);
};

/**
 * Line amount: a sub-order's `payment` (and `divide_order_fee`) include the postage when the trade
 * has a single sub-order, so that line is trade payment − post_fee; with several sub-orders it is
 * `divide_order_fee` (payment after apportioned order-level discounts), else `payment`.
 */
function line(
  o: Obj,
  path: string,
  trade: { obj: Obj; base: string; single: boolean },
  promos: Map<string, string>,
): OrderLineSnapshot {
  const sku =
    optStr(o, "outer_sku_id", path) ??
    optText(o, "sku_id", path) ??
    optStr(o, "outer_iid", path) ??
    (o.num_iid === undefined ? undefined : idString(o.num_iid, `${path}.num_iid`));
  if (sku === undefined) throw new ParseError("sub-order has no SKU", `${path}.outer_sku_id`);
  const qty = reqInt(o, "num", path);
  if (qty <= 0) throw new ParseError(`quantity ${qty} is not positive`, `${path}.num`);
  const amount = trade.single
    ? Math.max(
        0,
        reqYuan(trade.obj, "payment", trade.base) - (optYuan(trade.obj, "post_fee", trade.base) ?? 0),
      )
    : (optYuan(o, "divide_order_fee", path) ?? reqYuan(o, "payment", path));
  const oid = o.oid === undefined ? undefined : idString(o.oid, `${path}.oid`);
  return {
    sku,
    name: optStr(o, "title", path),
    qty,
    unitPrice: reqYuan(o, "price", path),
    amount,
    promoTag: (oid && promos.get(oid)) ?? null,
  };
}

function promotions(trade: Obj, base: string): { discounts: DiscountSnapshot[]; byId: Map<string, string> } {
  const path = `${base}.promotion_details.promotion_detail`;
  const list = listOf(optObj(trade, "promotion_details", base)?.promotion_detail, path);
  const discounts: DiscountSnapshot[] = [];
  const byId = new Map<string, string>();
  list.forEach((raw, i) => {
    const p = asObj(raw, `${path}.${i}`);
    const name =
      optStr(p, "promotion_name", `${path}.${i}`) ?? optStr(p, "promotion_desc", `${path}.${i}`) ?? "优惠";
    const amount = optYuan(p, "discount_fee", `${path}.${i}`) ?? 0;
    if (p.id !== undefined && p.id !== null) byId.set(idString(p.id, `${path}.${i}.id`), name);
    if (amount > 0) discounts.push({ kind: discountKind(name), name, amount });
  });
  return { discounts, byId };
}

/** `trade_fullinfo_get_response.trade` → a "trade" event with the full order snapshot. */
export function tradeEvent(trade: Obj, base: string): CanonicalEvent {
  const tid = optStr(trade, "tid_str", base) ?? idString(trade.tid, `${base}.tid`);
  const status = reqStr(trade, "status", base);
  const modified = reqStr(trade, "modified", base);
  const eventTime = chinaTimeToMs(modified, `${base}.modified`);
  const orderPath = `${base}.orders.order`;
  const orders = listOf(optObj(trade, "orders", base)?.order, orderPath).map((o, i) =>
    asObj(o, `${orderPath}.${i}`),
  );
  if (orders.length === 0) throw new ParseError("trade has no sub-orders", orderPath);
  const { discounts, byId } = promotions(trade, base);
  const postFee = optYuan(trade, "post_fee", base) ?? 0;
  const shipped = orders.find((o) => optStr(o, "invoice_no", orderPath) !== undefined);
  const shipment: ShipmentFacts | undefined = shipped && {
    waybillNo: reqStr(shipped, "invoice_no", orderPath),
    carrier: optStr(shipped, "logistics_company", orderPath),
  };
  return {
    source: "taobao",
    kind: "trade",
    sourceEventId: `trade:${tid}:${modified}`,
    orderRef: { orderNo: tid },
    eventTime,
    rawStatus: status,
    fields: {
      status,
      refund_state: refundState(orders.map((o, i) => optStr(o, "refund_status", `${orderPath}.${i}`))),
    },
    order: {
      channelOrderId: tid,
      currency: "CNY",
      buyer: {
        id: optStr(trade, "buyer_open_uid", base),
        nick: optStr(trade, "buyer_nick", base),
        phone: optStr(trade, "receiver_mobile", base),
      },
      address: {
        name: optStr(trade, "receiver_name", base),
        phone: optStr(trade, "receiver_mobile", base) ?? optStr(trade, "receiver_phone", base),
        province: optStr(trade, "receiver_state", base),
        city: optStr(trade, "receiver_city", base),
        district: optStr(trade, "receiver_district", base),
        detail: optStr(trade, "receiver_address", base),
      },
      lines: orders.map((o, i) =>
        line(o, `${orderPath}.${i}`, { obj: trade, base, single: orders.length === 1 }, byId),
      ),
      discounts,
      shippingFee: postFee,
      shippingBorneBy: postFee > 0 ? "buyer" : "seller",
      orderAmount: optYuan(trade, "total_fee", base),
      actualPaid: reqYuan(trade, "payment", base),
      createdAt: optTime(trade, "created", base),
      paidAt: optTime(trade, "pay_time", base),
    },
    ...(shipment ? { shipment } : {}),
  };
}
