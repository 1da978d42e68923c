import { digestsEqual, hmacSha256Hex } from "./digest.ts";
import { parseJsonBody } from "./json.ts";
import { guarded, singleEventKey } from "./kit.ts";
import { ParseError } from "./parse-error.ts";
import { asObj, listOf, reqObj } from "./read.ts";
import { shopeeOrderEvent } from "./shopee-order.ts";
import { shopeePushEvents } from "./shopee-push.ts";
import type { CanonicalEvent, RawPush, SourceAdapter, VerifyContext, VerifyResult } from "./types.ts";

const HEX64 = /^[0-9a-fA-F]{64}$/;

/**
 * Shopee push authorisation: `Authorization` = lowercase hex HMAC-SHA256 keyed with the partner
 * key over `callback_url + "|" + raw body`. The URL must be the one registered with Shopee (a
 * proxy may change what we see), hence ctx.callbackUrl first.
 */
export function verifyShopee(push: RawPush, ctx: VerifyContext): VerifyResult {
  if (!ctx.secret) return { ok: false, reason: "no_secret" };
  const given = push.headers.authorization?.trim();
  if (!given) return { ok: false, reason: "missing" };
  if (!HEX64.test(given)) return { ok: false, reason: "mismatch" };
  const url = ctx.callbackUrl ?? push.url;
  const expected = hmacSha256Hex(ctx.secret, `${url}|`, push.body);
  return digestsEqual(expected, given.toLowerCase()) ? { ok: true } : { ok: false, reason: "mismatch" };
}

/** Pushes carry `code`; an order-detail response (posted by our poller) carries `response.order_list`. */
function parseShopee(push: RawPush): CanonicalEvent[] {
  const root = asObj(parseJsonBody(push.body), "$");
  if (typeof root.error === "string" && root.error !== "") {
    throw new ParseError(`Shopee error response: ${root.error}`, "error");
  }
  if ("response" in root) {
    const base = "response.order_list";
    const list = listOf(reqObj(root, "response", "").order_list, base);
    return list.map((o, i) => shopeeOrderEvent(asObj(o, `${base}.${i}`), `${base}.${i}`));
  }
  if ("code" in root) return shopeePushEvents(root);
  throw new ParseError(
    "unrecognised Shopee payload: expected a push (code) or an order detail response",
    "$",
  );
}

export const shopee: SourceAdapter = {
  name: "shopee",
  verify: verifyShopee,
  parse: guarded("shopee", parseShopee),
  deliveryKey: (events) => singleEventKey(events),
  ack: { status: 200, body: "" },
};
