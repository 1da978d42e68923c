import { canonicalOrderSchema, canonicalToSnapshot } from "./canonical.ts";
import { parseJsonBody } from "./json.ts";
import { ownSchemeAdapter, zodParse } from "./kit.ts";
import { ParseError } from "./parse-error.ts";
import { rfc3339ToMs } from "./time.ts";
import type { CanonicalEvent, RawPush } from "./types.ts";

/** Our own storefront posts the canonical order JSON (SPEC §5.2), one event per push. */
function parseMiniapp(push: RawPush): CanonicalEvent[] {
  const order = zodParse(canonicalOrderSchema, parseJsonBody(push.body));
  if (order.event_id === undefined)
    throw new ParseError("event_id is required on webhook events", "event_id");
  if (order.event_time === undefined)
    throw new ParseError("event_time is required on webhook events", "event_time");
  return [
    {
      source: "miniapp",
      kind: "order",
      sourceEventId: order.event_id,
      orderRef: { orderNo: order.order_no },
      eventTime: rfc3339ToMs(order.event_time, "event_time"),
      rawStatus: order.status,
      fields: { status: order.status },
      order: canonicalToSnapshot(order),
    },
  ];
}

export const miniapp = ownSchemeAdapter("miniapp", parseMiniapp);
