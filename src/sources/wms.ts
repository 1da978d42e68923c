import { bodyText, idString, parseJson } from "./json.ts";
import { ownSchemeAdapter } from "./kit.ts";
import { ParseError } from "./parse-error.ts";
import { asObj, isObj, mediaUrl, type Obj, optStr, optText } from "./read.ts";
import { flexibleTimeToMs } from "./time.ts";
import type { CanonicalEvent, RawPush } from "./types.ts";
import { parseQimenXml, qimenConfirmEvent } from "./wms-qimen.ts";

/** A unix-seconds field where 0 (or nothing) means "not yet"; other time spellings are tolerated. */
function secondsField(o: Obj, key: string): number {
  const v = o[key];
  if (v === undefined || v === null || v === "" || v === 0 || v === "0") return 0;
  return Math.floor(flexibleTimeToMs(v, key) / 1000);
}

/** The SPEC §2.1 outbound JSON → an "outbound" event. */
function outboundEvent(root: Obj): CanonicalEvent {
  const orderNo = idString(root.order_no, "order_no");
  if (root.event_time === undefined) throw new ParseError("event_time is required", "event_time");
  const logisticsNo = optText(root, "logistics_no", "") ?? "";
  const carrier = optStr(root, "carrier", "");
  const eventId =
    root.event_id === undefined || root.event_id === null ? null : idString(root.event_id, "event_id");
  return {
    source: "wms",
    kind: "outbound",
    sourceEventId: eventId,
    orderRef: { orderNo },
    eventTime: flexibleTimeToMs(root.event_time, "event_time"),
    rawStatus: null,
    fields: {
      packaged_time: secondsField(root, "packaged_time"),
      logistics_no: logisticsNo,
      outbound_time: secondsField(root, "outbound_time"),
      status: null,
      // The packing photo/video some warehouses record at the bench; the order card links to it.
      packing_media: mediaUrl(optStr(root, "packing_media_url", "") ?? optStr(root, "packing_video_url", "")),
    },
    ...(logisticsNo ? { shipment: { waybillNo: logisticsNo, carrier } } : {}),
  };
}

/** XML is told apart by its first non-blank character, as Qimen senders set no reliable content type. */
function parseWms(push: RawPush): CanonicalEvent[] {
  const text = bodyText(push.body);
  const trimmed = text.trimStart();
  if (trimmed.startsWith("<")) return [qimenConfirmEvent(parseQimenXml(trimmed))];
  const root = asObj(parseJson(text), "$");
  if (isObj(root.request) && "deliveryOrder" in root.request) return [qimenConfirmEvent(root.request)];
  if ("deliveryOrder" in root) return [qimenConfirmEvent(root)];
  if ("order_no" in root) return [outboundEvent(root)];
  throw new ParseError(
    "unrecognised WMS payload: expected outbound JSON or a Qimen deliveryorder.confirm",
    "$",
  );
}

export const wms = ownSchemeAdapter("wms", parseWms);
