import { idString } from "./json.ts";
import { yuanToCents } from "./money.ts";
import { ParseError } from "./parse-error.ts";
import { asObj, listOf, type Obj, optInt, optStr, reqInt, reqStr } from "./read.ts";
import { chinaTimeToMs } from "./time.ts";
import type { CanonicalEvent, DiscountSnapshot, OrderLineSnapshot } from "./types.ts";

/** Receiver fields are ciphertext (`~…~`, `$$…$$`) until decrypted; never treat those as data. */
const plain = (v: string | undefined) => (v === undefined || /^[~$]/.test(v) ? undefined : v);

const optYuan = (o: Obj, key: string, base: string) =>
  o[key] === undefined || o[key] === null ? undefined : yuanToCents(o[key], `${base}.${key}`);
const optTime = (o: Obj, key: string, base: string) => {
  const v = optStr(o, key, base);
  return v === undefined ? undefined : chinaTimeToMs(v, `${base}.${key}`);
};

/** The named parts of `discount_amount`, plus 多多支付立减, kept only when non-zero. */
const DISCOUNTS: [key: string, name: string][] = [
  ["platform_discount", "平台优惠"],
  ["seller_discount", "店铺优惠"],
  ["capital_free_discount", "团长免单"],
  ["duo_duo_pay_reduction", "多多支付立减"],
];

function line(item: Obj, path: string): OrderLineSnapshot {
  const sku = optStr(item, "outer_id", path) ?? idString(item.sku_id, `${path}.sku_id`);
  const qty = reqInt(item, "goods_count", path);
  if (qty <= 0) throw new ParseError(`quantity ${qty} is not positive`, `${path}.goods_count`);
  return {
    sku,
    name: optStr(item, "goods_name", path),
    qty,
    unitPrice: yuanToCents(item.goods_price, `${path}.goods_price`),
  };
}

/** `order_info_get_response.order_info` (or one entry of `order_list`) → an "order" event. */
export function pddOrderEvent(info: Obj, base: string): CanonicalEvent {
  const orderSn = reqStr(info, "order_sn", base);
  const orderStatus = reqInt(info, "order_status", base);
  const refundStatus = reqInt(info, "refund_status", base);
  const updatedAt = reqStr(info, "updated_at", base);
  const eventTime = chinaTimeToMs(updatedAt, `${base}.updated_at`);
  const items = listOf(info.item_list, `${base}.item_list`).map((it, i) =>
    line(asObj(it, `${base}.item_list.${i}`), `${base}.item_list.${i}`),
  );
  if (items.length === 0) throw new ParseError("order has no items", `${base}.item_list`);
  const discounts: DiscountSnapshot[] = [];
  for (const [key, name] of DISCOUNTS) {
    const amount = optYuan(info, key, base) ?? 0;
    if (amount > 0) discounts.push({ kind: "other", name, amount });
  }
  const postage = optYuan(info, "postage", base) ?? 0;
  const tracking = optStr(info, "tracking_number", base);
  const logisticsId = optInt(info, "logistics_id", base);
  return {
    source: "pdd",
    kind: "order",
    sourceEventId: `order:${orderSn}:${updatedAt}`,
    orderRef: { orderNo: orderSn },
    eventTime,
    rawStatus: `order_status=${orderStatus};refund_status=${refundStatus}`,
    fields: {
      order_status: orderStatus,
      refund_status: refundStatus,
      confirm_status: optInt(info, "confirm_status", base) ?? null,
      after_sales_status: optInt(info, "after_sales_status", base) ?? null,
    },
    order: {
      channelOrderId: orderSn,
      currency: "CNY",
      buyer: { phone: plain(optStr(info, "receiver_phone", base)) },
      address: {
        name: plain(optStr(info, "receiver_name", base)) ?? optStr(info, "receiver_name_mask", base),
        phone: plain(optStr(info, "receiver_phone", base)) ?? optStr(info, "receiver_phone_mask", base),
        province: optStr(info, "province", base),
        city: optStr(info, "city", base),
        district: optStr(info, "town", base),
        detail: plain(optStr(info, "receiver_address", base)) ?? optStr(info, "receiver_address_mask", base),
      },
      lines: items,
      discounts,
      shippingFee: postage,
      shippingBorneBy: postage > 0 ? "buyer" : "seller",
      orderAmount: optYuan(info, "goods_amount", base),
      actualPaid: yuanToCents(info.pay_amount, `${base}.pay_amount`),
      createdAt: optTime(info, "created_time", base),
      paidAt: optTime(info, "pay_time", base),
    },
    ...(tracking
      ? { shipment: { waybillNo: tracking, carrier: logisticsId ? String(logisticsId) : undefined } }
      : {}),
  };
}
