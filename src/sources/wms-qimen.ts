import { XMLParser, XMLValidator } from "fast-xml-parser";
import { idString } from "./json.ts";
import { ParseError } from "./parse-error.ts";
import { asObj, isObj, listOf, mediaUrl, type Obj, optStr, optText, reqObj } from "./read.ts";
import { chinaTimeToMs } from "./time.ts";
import type { CanonicalEvent, ShipmentFacts } from "./types.ts";

/** Elements that are lists in Qimen XML; with one child, the parser would otherwise give an object. */
const LIST_TAGS = new Set(["package", "orderLine", "item"]);

const xml = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Codes and waybill numbers stay text: "0012" must not become 12, nor 19 digits lose precision.
  parseTagValue: false,
  isArray: (tagName) => LIST_TAGS.has(tagName),
});

/** Qimen XML (`<request>…</request>`) → the object under `request`. */
export function parseQimenXml(text: string): Obj {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new ParseError(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`, "$");
  }
  let doc: unknown;
  try {
    doc = xml.parse(text);
  } catch (err) {
    throw new ParseError(`malformed XML: ${(err as Error).message}`, "$");
  }
  if (!isObj(doc) || !isObj(doc.request))
    throw new ParseError("expected a <request> root element", "request");
  return doc.request;
}

/** XML nests lists under a wrapper (`packages.package[]`); JSON uses a bare array. Accept both. */
function listUnder(value: unknown, inner: string, path: string): Obj[] {
  const list =
    isObj(value) && inner in value ? listOf(value[inner], `${path}.${inner}`) : listOf(value, path);
  return list.map((v, i) => asObj(v, `${path}.${i}`));
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * `taobao.qimen.deliveryorder.confirm` → a "qimen_confirm" event. Qimen has no standard packing
 * time; the vendor extension `extendProps.packageTime` is read when present, else 0.
 */
export function qimenConfirmEvent(req: Obj): CanonicalEvent {
  const d = reqObj(req, "deliveryOrder", "request");
  const base = "request.deliveryOrder";
  const code = idString(d.deliveryOrderCode, `${base}.deliveryOrderCode`);
  const status = optStr(d, "status", base) ?? null;
  const confirmTime = optStr(d, "orderConfirmTime", base);
  const when = confirmTime ?? optStr(d, "operateTime", base);
  if (when === undefined)
    throw new ParseError("needs orderConfirmTime or operateTime", `${base}.orderConfirmTime`);
  const eventTime = chinaTimeToMs(when, `${base}.${confirmTime ? "orderConfirmTime" : "operateTime"}`);
  const pkg = listUnder(req.packages, "package", "request.packages")[0];
  const waybill = pkg ? optText(pkg, "expressCode", "request.packages.0") : undefined;
  // An empty <extendProps/> parses to "": an extension map that says nothing.
  const ext = isObj(req.extendProps) ? req.extendProps : {};
  const packageTime = optStr(ext, "packageTime", "request.extendProps");
  const shipment: ShipmentFacts | undefined =
    pkg && waybill
      ? {
          waybillNo: waybill,
          carrier:
            optStr(pkg, "logisticsName", "request.packages.0") ??
            optStr(pkg, "logisticsCode", "request.packages.0"),
        }
      : undefined;
  return {
    source: "wms",
    kind: "qimen_confirm",
    sourceEventId: optText(d, "outBizCode", base) ?? `qimen:${code}:${status ?? ""}:${when}`,
    orderRef: { orderNo: code },
    eventTime,
    rawStatus: status,
    fields: {
      packaged_time: packageTime ? seconds(chinaTimeToMs(packageTime, "request.extendProps.packageTime")) : 0,
      logistics_no: waybill ?? "",
      outbound_time: confirmTime ? seconds(eventTime) : 0,
      status,
      packing_media: mediaUrl(
        optStr(ext, "packingVideoUrl", "request.extendProps") ??
          optStr(ext, "packingPhotoUrl", "request.extendProps"),
      ),
    },
    ...(shipment ? { shipment } : {}),
  };
}
