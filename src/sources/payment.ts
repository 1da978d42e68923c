import { z } from "zod";
import { idString, parseJsonBody } from "./json.ts";
import { ownSchemeAdapter, zodParse } from "./kit.ts";
import { TIMESTAMP_HEADER } from "./own-scheme.ts";
import { ParseError } from "./parse-error.ts";
import { rfc3339ToMs, unixSecondsToMs } from "./time.ts";
import type { CanonicalEvent, RawPush } from "./types.ts";

/**
 * anchorbot's PSP-neutral payment callback:
 * `{order_no, payment_id, amount (integer cents), paid_at? (RFC 3339), event_id?}`.
 */
const idValue = z.union([z.string().trim().min(1), z.number().int().nonnegative()]);

export const paymentCallbackSchema = z.object({
  order_no: idValue,
  payment_id: idValue,
  amount: z.number().int().nonnegative(),
  paid_at: z.string().optional(),
  event_id: idValue.optional(),
});

/**
 * One payment → one "payment" event keyed `pay:<payment_id>`, so every repeat of the same
 * callback de-duplicates. Without paid_at, the signed x-anchor-timestamp stands in for it.
 */
function parsePayment(push: RawPush): CanonicalEvent[] {
  const body = zodParse(paymentCallbackSchema, parseJsonBody(push.body));
  const paymentId = idString(body.payment_id, "payment_id");
  let eventTime: number;
  if (body.paid_at !== undefined) eventTime = rfc3339ToMs(body.paid_at, "paid_at");
  else if (push.headers[TIMESTAMP_HEADER])
    eventTime = unixSecondsToMs(push.headers[TIMESTAMP_HEADER], TIMESTAMP_HEADER);
  else throw new ParseError("paid_at is missing and there is no signed timestamp", "paid_at");
  return [
    {
      source: "payment",
      kind: "payment",
      sourceEventId: `pay:${paymentId}`,
      orderRef: { orderNo: idString(body.order_no, "order_no") },
      eventTime,
      rawStatus: "paid",
      fields: { status: "paid", amount: body.amount },
    },
  ];
}

export const payment = ownSchemeAdapter("payment", parsePayment);
