/**
 * What every source adapter turns a verified push into. Adapters are pure: raw bytes in,
 * canonical events out; they never touch the database.
 */

export const SOURCE_NAMES = [
  "taobao",
  "pdd",
  "shopee",
  "miniapp",
  "wms",
  "logistics",
  "payment",
  "wechatpay",
] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/**
 * Where an order event can come from: the webhook sources, and anchorbot itself (a person's
 * decision in chat, such as stopping an order an alert held). Internal events go through the
 * same log and anchor rules as everyone else's, so the anchor stays a function of the events.
 */
export const EVENT_SOURCES = [...SOURCE_NAMES, "anchorbot"] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export interface RawPush {
  /** Exact bytes as received: signatures are computed over these, never over re-serialised JSON. */
  body: Buffer;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Full request URL as seen by the service (used by schemes that sign the callback URL). */
  url: string;
}

export interface VerifyContext {
  /** The source's secret (SOURCE_SECRET_<SOURCE>); undefined when not configured. */
  secret: string | undefined;
  /** Unix milliseconds now, from the Clock. */
  nowMs: number;
  /** Allowed clock skew for timestamped schemes, in seconds. */
  maxSkewSec: number;
  /** Callback URL registered with the platform (Shopee signs it); falls back to RawPush.url. */
  callbackUrl?: string;
  /** WeChat Pay API v3 verification material; without it (or with no keys) wechatpay pushes read "no_secret". */
  wechatpay?: {
    /** Wechatpay-Serial (PUB_KEY_ID_… in public-key mode, or the platform certificate serial) → PEM public key. */
    publicKeys: Record<string, string>;
    apiV3Key?: string;
  };
}

/** What some parsers need beyond the push itself; adapters that need nothing ignore it. */
export interface ParseContext {
  /** WeChat Pay APIv3 key (32 ASCII characters), used as the AES-256-GCM key for notification resources. */
  wechatpayApiV3Key?: string;
}

export type VerifyResult =
  | { ok: true }
  | { ok: false; reason: "missing" | "mismatch" | "stale" | "no_secret" };

export interface Money {
  /** Integer cents (分, or the minor unit of `currency`). */
  cents: number;
  currency: string;
}

export interface OrderLineSnapshot {
  sku: string;
  name?: string;
  qty: number;
  /** Unit price in cents before line discounts. */
  unitPrice: number;
  /** What the line costs after line-level discounts, in cents, when the source says. */
  amount?: number;
  promoTag?: string | null;
}

export interface DiscountSnapshot {
  kind: "full_reduction" | "coupon" | "points" | "other";
  name: string;
  amount: number;
}

/** Everything a payload says about the order itself (lines, money, buyer, address). */
export interface OrderSnapshot {
  channelOrderId: string;
  currency: string;
  buyer?: { id?: string; phone?: string; nick?: string };
  address?: {
    name?: string;
    phone?: string;
    province?: string;
    city?: string;
    district?: string;
    detail?: string;
  };
  lines: OrderLineSnapshot[];
  discounts: DiscountSnapshot[];
  shippingFee?: number;
  shippingBorneBy?: "buyer" | "seller";
  /** Goods total before discounts, in cents. */
  orderAmount?: number;
  /** What the buyer paid (or must pay), in cents. */
  actualPaid?: number;
  createdAt?: number;
  paidAt?: number;
}

export interface ShipmentFacts {
  waybillNo: string;
  carrier?: string;
  /** Latest tracking node, newest first in the source; we keep only the newest. */
  lastNode?: { text: string; at: number; area?: string };
  pickedUpAt?: number;
  signedAt?: number;
  /** Carrier state as the source spells it (Kuaidi100 `state`, etc.). */
  state?: string;
}

export interface CanonicalEvent {
  source: EventSource;
  /** Payload family inside the source, e.g. "tmc", "trade", "order_status_push", "outbound". */
  kind: string;
  /** The source's own id for this event, used for de-duplication; null when the source has none. */
  sourceEventId: string | null;
  /** How to find the order: by our order number, or by waybill number (carrier pushes). */
  orderRef: { orderNo?: string; waybillNo?: string };
  /** When the source says it happened, UTC epoch milliseconds. Decides order, never arrival. */
  eventTime: number;
  /** The source's status value(s), spelled as the source spells them, for display and drift. */
  rawStatus: string | null;
  /** Flat facts the anchor rules look at (e.g. {status}, {order_status, refund_status}, {packaged_time, logistics_no}). */
  fields: Record<string, string | number | boolean | null>;
  order?: OrderSnapshot;
  shipment?: ShipmentFacts;
}

export interface SourceAdapter {
  name: SourceName;
  /** Checks the signature over the raw bytes. Never throws. */
  verify(push: RawPush, ctx: VerifyContext): VerifyResult;
  /**
   * Parses the raw body into canonical events. Throws ParseError (src/sources/parse-error.ts)
   * on malformed input; never returns a partial result silently. `ctx` carries keys some sources
   * need to read their payload (WeChat Pay's encrypted resource); the others ignore it.
   */
  parse(push: RawPush, ctx?: ParseContext): CanonicalEvent[];
  /** Key for de-duplicating whole deliveries; null means "use the body hash". */
  deliveryKey(events: CanonicalEvent[], push: RawPush): string | null;
  /** The body the platform expects in a success answer. */
  ack: { status: number; contentType?: string; body: string };
}
