import { parseJsonBody } from "./json.ts";
import { ownSchemeAdapter } from "./kit.ts";
import { ParseError } from "./parse-error.ts";
import { pddFrameEvents } from "./pdd-message.ts";
import { pddOrderEvent } from "./pdd-order.ts";
import { asObj, isObj, listOf, reqObj } from "./read.ts";
import type { CanonicalEvent, RawPush } from "./types.ts";

/**
 * Pinduoduo reaches us through our message-service consumer, which posts (signed with our own
 * scheme) either a raw WebSocket frame or the `pdd.order.information.get` / `pdd.order.list.get`
 * response it fetched after one.
 */
function parsePdd(push: RawPush): CanonicalEvent[] {
  const root = asObj(parseJsonBody(push.body), "$");
  if (isObj(root.error_response)) throw new ParseError("PDD error response, not an event", "error_response");
  if ("order_info_get_response" in root) {
    const response = reqObj(root, "order_info_get_response", "");
    return [
      pddOrderEvent(
        reqObj(response, "order_info", "order_info_get_response"),
        "order_info_get_response.order_info",
      ),
    ];
  }
  if ("order_list_get_response" in root) {
    const base = "order_list_get_response.order_list";
    const list = listOf(reqObj(root, "order_list_get_response", "").order_list, base);
    return list.map((o, i) => pddOrderEvent(asObj(o, `${base}.${i}`), `${base}.${i}`));
  }
  if ("commandType" in root) return pddFrameEvents(root);
  throw new ParseError("unrecognised PDD payload: expected a message frame or order_info", "$");
}

export const pdd = ownSchemeAdapter("pdd", parsePdd);
