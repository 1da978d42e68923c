import { z } from "zod";
import { ParseError } from "./parse-error.ts";
import { rfc3339ToMs } from "./time.ts";
import type { OrderSnapshot } from "./types.ts";

/**
 * The canonical order JSON of SPEC §5.2: the miniapp source's payload and the body of
 * POST /api/v1/orders. Money is integer cents; a fraction, a string or a negative is rejected.
 */
const cents = z.number().int().nonnegative();
const text = z.string().trim().min(1);

const isRfc3339 = (value: string) => {
  try {
    rfc3339ToMs(value);
    return true;
  } catch {
    return false;
  }
};

export const canonicalLineSchema = z.object({
  sku: text.max(128),
  name: z.string().optional(),
  qty: z.number().int().positive(),
  unit_price: cents,
  /** What the line costs after line-level discounts, when the storefront says. */
  amount: cents.optional(),
  promo_tag: z.string().nullable().optional(),
});

export const canonicalOrderSchema = z.object({
  order_no: text.max(64),
  /** Required for webhook events (de-duplication); optional on the API. */
  event_id: text.max(200).optional(),
  /** RFC 3339 with a zone. Required for webhook events; optional on the API. */
  event_time: z.string().refine(isRfc3339, "expected an RFC 3339 time with a zone").optional(),
  status: z.enum(["created", "paid", "cancelled"]),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default("CNY"),
  buyer: z
    .object({ id: z.string().optional(), phone: z.string().optional(), nick: z.string().optional() })
    .optional(),
  address: z
    .object({
      name: z.string().optional(),
      phone: z.string().optional(),
      province: z.string().optional(),
      city: z.string().optional(),
      district: z.string().optional(),
      detail: z.string().optional(),
    })
    .optional(),
  lines: z.array(canonicalLineSchema).min(1),
  shipping_fee: cents.default(0),
  shipping_borne_by: z.enum(["buyer", "seller"]).default("buyer"),
  discounts: z
    .array(
      z.object({ kind: z.enum(["full_reduction", "coupon", "points", "other"]), amount: cents, name: text }),
    )
    .default([]),
});

export type CanonicalOrder = z.infer<typeof canonicalOrderSchema>;

/** A validated canonical order → OrderSnapshot; discounts beyond the goods value are a ParseError. */
export function canonicalToSnapshot(order: CanonicalOrder): OrderSnapshot {
  const orderAmount = order.lines.reduce((sum, l) => sum + l.unit_price * l.qty, 0);
  const discountTotal = order.discounts.reduce((sum, d) => sum + d.amount, 0);
  const shipping = order.shipping_borne_by === "buyer" ? order.shipping_fee : 0;
  const actualPaid = orderAmount - discountTotal + shipping;
  if (!Number.isSafeInteger(orderAmount + shipping))
    throw new ParseError("order amount out of range", "lines");
  if (discountTotal > orderAmount) throw new ParseError("discounts exceed the goods value", "discounts");
  return {
    channelOrderId: order.order_no,
    currency: order.currency,
    buyer: order.buyer,
    address: order.address,
    lines: order.lines.map((l) => ({
      sku: l.sku,
      name: l.name,
      qty: l.qty,
      unitPrice: l.unit_price,
      amount: l.amount,
      promoTag: l.promo_tag ?? null,
    })),
    discounts: order.discounts.map((d) => ({ kind: d.kind, name: d.name, amount: d.amount })),
    shippingFee: order.shipping_fee,
    shippingBorneBy: order.shipping_borne_by,
    orderAmount,
    actualPaid,
  };
}
