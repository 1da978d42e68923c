import { parseJsonBody } from "./json.ts";
import { guarded, JSON_OK_ACK, singleEventKey } from "./kit.ts";
import { verifyOwn } from "./own-scheme.ts";
import { ParseError } from "./parse-error.ts";
import { asObj, isObj, reqObj } from "./read.ts";
import { tmcConsumeEvents, tmcDeliveryKey, tmcMessageEvent } from "./taobao-tmc.ts";
import { tradeEvent } from "./taobao-trade.ts";
import type { CanonicalEvent, RawPush, SourceAdapter } from "./types.ts";

/**
 * Taobao reaches us through our TMC consumer, which posts (signed with our own scheme) either
 * what `taobao.tmc.messages.consume` returned, a single TMC message, or the
 * `taobao.trade.fullinfo.get` response it fetched after a message.
 */
function parseTaobao(push: RawPush): CanonicalEvent[] {
  const root = asObj(parseJsonBody(push.body), "$");
  if (isObj(root.error_response)) {
    throw new ParseError("Taobao error response, not an event", "error_response");
  }
  if ("tmc_messages_consume_response" in root) {
    return tmcConsumeEvents(reqObj(root, "tmc_messages_consume_response", ""));
  }
  if ("trade_fullinfo_get_response" in root) {
    const response = reqObj(root, "trade_fullinfo_get_response", "");
    return [
      tradeEvent(
        reqObj(response, "trade", "trade_fullinfo_get_response"),
        "trade_fullinfo_get_response.trade",
      ),
    ];
  }
  if ("topic" in root && "content" in root) return [tmcMessageEvent(root, "$")];
  throw new ParseError("unrecognised Taobao payload: expected a TMC message or a fullinfo trade", "$");
}

export const taobao: SourceAdapter = {
  name: "taobao",
  verify: verifyOwn,
  parse: guarded("taobao", parseTaobao),
  deliveryKey: (events) => tmcDeliveryKey(events) ?? singleEventKey(events),
  ack: JSON_OK_ACK,
};
