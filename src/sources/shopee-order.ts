import { idString } from "./json.ts";
import { majorToMinor } from "./money.ts";
import { ParseError } from "./parse-error.ts";
import { asObj, listOf, type Obj, optInt, optObj, optStr, reqInt, reqStr } from "./read.ts";
import { unixSecondsToMs } from "./time.ts";
import type { CanonicalEvent, OrderLineSnapshot } from "./types.ts";

/** Masked values (`******89`) are display hints, not data to match phones on. */
const unmasked = (v: string | undefined) => (v === undefined || v.includes("*") ? undefined : v);

function line(item: Obj, path: string, currency: string): OrderLineSnapshot {
  // Without merchant SKUs, Shopee's own item:model pair is the only stable line identity.
  const platformSku = () =>
    `${idString(item.item_id, `${path}.item_id`)}:${item.model_id === undefined ? "0" : idString(item.model_id, `${path}.model_id`)}`;
  const sku = optStr(item, "model_sku", path) ?? optStr(item, "item_sku", path) ?? platformSku();
  const qty = reqInt(item, "model_quantity_purchased", path);
  if (qty <= 0) throw new ParseError(`quantity ${qty} is not positive`, `${path}.model_quantity_purchased`);
  const original = majorToMinor(item.model_original_price, currency, `${path}.model_original_price`);
  const discounted =
    item.model_discounted_price === undefined
      ? original
      : majorToMinor(item.model_discounted_price, currency, `${path}.model_discounted_price`);
  const pid = item.promotion_id;
  const promoted = pid !== undefined && pid !== null && pid !== 0 && pid !== "0" && pid !== "";
  return {
    sku,
    name: optStr(item, "item_name", path),
    qty,
    unitPrice: original,
    amount: discounted * qty,
    promoTag: promoted ? (optStr(item, "promotion_type", path) ?? "promotion") : null,
  };
}

const optTime = (o: Obj, key: string, base: string) => {
  const s = optInt(o, key, base);
  return s ? unixSecondsToMs(s, `${base}.${key}`) : undefined;
};

/**
 * One `response.order_list[]` entry of `v2.order.get_order_detail` → an "order_detail" event.
 * Shopee itemises no vouchers here; line promotions are in each line's `amount`. Shipping is the
 * estimated fee, said to be borne by the buyer when lines + fee add up to `total_amount`.
 */
export function shopeeOrderEvent(order: Obj, base: string): CanonicalEvent {
  const orderSn = reqStr(order, "order_sn", base);
  const status = reqStr(order, "order_status", base);
  const currency = reqStr(order, "currency", base);
  const seconds = reqInt(order, "update_time", base);
  const eventTime = unixSecondsToMs(seconds, `${base}.update_time`);
  const lines = listOf(order.item_list, `${base}.item_list`).map((it, i) =>
    line(asObj(it, `${base}.item_list.${i}`), `${base}.item_list.${i}`, currency),
  );
  if (lines.length === 0) throw new ParseError("order has no items", `${base}.item_list`);
  const money = (key: string) =>
    order[key] === undefined || order[key] === null
      ? undefined
      : majorToMinor(order[key], currency, `${base}.${key}`);
  const total = money("total_amount");
  const shipping = money("actual_shipping_fee") ?? money("estimated_shipping_fee");
  const linesTotal = lines.reduce((sum, l) => sum + (l.amount ?? 0), 0);
  const addr = optObj(order, "recipient_address", base);
  const addrBase = `${base}.recipient_address`;
  const buyerId =
    order.buyer_user_id === undefined ? undefined : idString(order.buyer_user_id, `${base}.buyer_user_id`);
  return {
    source: "shopee",
    kind: "order_detail",
    sourceEventId: `order_detail:${orderSn}:${seconds}`,
    orderRef: { orderNo: orderSn },
    eventTime,
    rawStatus: status,
    fields: { order_status: status },
    order: {
      channelOrderId: orderSn,
      currency,
      buyer: {
        id: buyerId,
        nick: optStr(order, "buyer_username", base),
        phone: addr && unmasked(optStr(addr, "phone", addrBase)),
      },
      address: addr && {
        name: optStr(addr, "name", addrBase),
        phone: optStr(addr, "phone", addrBase),
        province: optStr(addr, "state", addrBase),
        city: optStr(addr, "city", addrBase),
        district: optStr(addr, "district", addrBase),
        detail: optStr(addr, "full_address", addrBase),
      },
      lines,
      discounts: [],
      shippingFee: shipping,
      shippingBorneBy: shipping !== undefined && total === linesTotal + shipping ? "buyer" : undefined,
      orderAmount: lines.reduce((sum, l) => sum + l.unitPrice * l.qty, 0),
      actualPaid: total,
      createdAt: optTime(order, "create_time", base),
      paidAt: optTime(order, "pay_time", base),
    },
  };
}
