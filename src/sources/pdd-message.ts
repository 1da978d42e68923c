import { idString, parseJson } from "./json.ts";
import { fenToCents } from "./money.ts";
import { ParseError } from "./parse-error.ts";
import { asObj, type Obj, reqObj, reqStr } from "./read.ts";
import { unixMillisToMs } from "./time.ts";
import type { CanonicalEvent } from "./types.ts";

/** Frames that carry no order news: keep-alives, our own acks echoed back, server-side failures. */
const SILENT = new Set(["HeartBeat", "Ack", "Fail"]);

/**
 * A PDD message-service frame `{id, commandType, sendTime, message: {type, content}}` → zero or
 * one "message" event. `content` is a JSON string (an object is accepted too, for consumers that
 * decode it before posting).
 */
export function pddFrameEvents(frame: Obj): CanonicalEvent[] {
  const commandType = reqStr(frame, "commandType", "");
  if (SILENT.has(commandType)) return [];
  if (commandType !== "Common") throw new ParseError(`unknown commandType ${commandType}`, "commandType");
  const id = idString(frame.id, "id");
  const eventTime = unixMillisToMs(frame.sendTime, "sendTime");
  const message = reqObj(frame, "message", "");
  const type = reqStr(message, "type", "message");
  const rawContent = message.content;
  const content = asObj(
    typeof rawContent === "string" ? parseJson(rawContent, "message.content") : rawContent,
    "message.content",
  );
  const orderNo = idString(content.tid, "message.content.tid");
  const refundFee = content.refund_fee;
  return [
    {
      source: "pdd",
      kind: "message",
      sourceEventId: id,
      orderRef: { orderNo },
      eventTime,
      rawStatus: type,
      fields: {
        type,
        // Observed as integer fen (1990 for ¥19.90); UNCONFIRMED by PDD's docs.
        ...(refundFee === undefined || refundFee === null
          ? {}
          : { refund_fee: fenToCents(refundFee, "message.content.refund_fee") }),
      },
    },
  ];
}
