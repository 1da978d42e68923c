import { idString } from "./json.ts";
import { type Obj, optInt, optStr, reqInt, reqObj, reqStr } from "./read.ts";
import { unixSecondsToMs } from "./time.ts";
import type { CanonicalEvent } from "./types.ts";

const ORDER_STATUS_PUSH = 3;
const TRACKING_NO_PUSH = 4;

/**
 * A Shopee push body `{code, shop_id, timestamp, msg_id?, data}`. Codes 3 and 4 concern orders;
 * every other push (shop authorisation, items, chat…) is acknowledged and yields nothing.
 */
export function shopeePushEvents(root: Obj): CanonicalEvent[] {
  const code = reqInt(root, "code", "");
  if (code !== ORDER_STATUS_PUSH && code !== TRACKING_NO_PUSH) return [];
  const data = reqObj(root, "data", "");
  const ordersn = reqStr(data, "ordersn", "data");
  const seconds = optInt(data, "update_time", "data") ?? reqInt(root, "timestamp", "");
  const eventTime = unixSecondsToMs(
    seconds,
    data.update_time === undefined ? "timestamp" : "data.update_time",
  );
  // msg_id appears in live pushes only; the derived id is stable across Shopee's retries.
  const msgId =
    root.msg_id === undefined || root.msg_id === null ? undefined : idString(root.msg_id, "msg_id");
  const sourceEventId = msgId ?? `${code}:${ordersn}:${seconds}`;
  if (code === ORDER_STATUS_PUSH) {
    const status = reqStr(data, "status", "data");
    return [
      {
        source: "shopee",
        kind: "order_status_push",
        sourceEventId,
        orderRef: { orderNo: ordersn },
        eventTime,
        rawStatus: status,
        fields: { order_status: status },
      },
    ];
  }
  const trackingNo = optStr(data, "tracking_no", "data") ?? null;
  return [
    {
      source: "shopee",
      kind: "order_trackingno_push",
      sourceEventId,
      orderRef: { orderNo: ordersn },
      eventTime,
      rawStatus: null,
      fields: { tracking_no: trackingNo },
      ...(trackingNo ? { shipment: { waybillNo: trackingNo } } : {}),
    },
  ];
}
