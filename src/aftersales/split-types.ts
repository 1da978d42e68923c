/** Types of the refund split (原子拆分). Every amount is integer cents. */

export type DiscountKind = "full_reduction" | "coupon" | "points" | "other";
export type ShippingPolicy = "on_full_refund" | "proportional" | "never";
export type ComponentKind = "goods" | DiscountKind | "adjustment" | "shipping";
/** The components that are order-level amounts spread over lines (goods belongs to a line already). */
export type AllocatedKind = Exclude<ComponentKind, "goods">;

export interface SplitLine {
  lineNo: number;
  sku: string;
  qty: number;
  unitPrice: number;
}

export interface SplitDiscount {
  kind: DiscountKind;
  name: string | null;
  /** ≥ 0; what the buyer did not pay. */
  amount: number;
}

export interface SplitOrder {
  lines: readonly SplitLine[];
  discounts: readonly SplitDiscount[];
  shippingFee: number;
  shippingBorneBy: "buyer" | "seller";
  actualPaid: number;
}

export interface SplitPolicy {
  /** Default "on_full_refund". Irrelevant when the seller bore shipping: it is never refunded then. */
  shipping?: ShippingPolicy;
  /** Default true: the points share of refunded units is credited back as points (never as cash). */
  pointsAsPoints?: boolean;
}

/** An order-level amount, signed as it enters a refund: discounts negative, shipping positive. */
export interface AllocatedComponent {
  component: AllocatedKind;
  name: string | null;
  amount: number;
}

export interface LineShares {
  lineNo: number;
  sku: string;
  qty: number;
  /** unitPrice × qty. */
  goods: number;
  /** Index-aligned with `Allocation.components`; shares of one component add up to it exactly. */
  shares: number[];
}

export interface Allocation {
  components: AllocatedComponent[];
  lines: LineShares[];
  /**
   * Shipping paid back whole by the refund that completes the order (policy on_full_refund):
   * the buyer's shipping, capped at actualPaid.
   */
  completionShipping: number;
  /** Buyer's shipping that no refund returns (policy never), capped at actualPaid likewise. */
  keptShipping: number;
}

/** What earlier approved refunds already covered. */
export interface RefundedSoFar {
  lines: readonly { lineNo: number; qty: number }[];
  /** True once shipping was paid back as a whole (on_full_refund). */
  shipping: boolean;
}

export interface RefundRequestItem {
  lineNo: number;
  qty: number;
}

export interface SkuRequestItem {
  sku: string;
  qty: number;
}

/** One voucher row: goods and shipping positive, discounts negative, adjustment either way. */
export interface RefundComponent {
  component: ComponentKind;
  name: string | null;
  amount: number;
}

export interface RefundLine {
  lineNo: number;
  sku: string;
  qty: number;
  components: RefundComponent[];
  /** Cash for this line: the sum of its components. */
  total: number;
}

export interface RefundQuote {
  lines: RefundLine[];
  /** Cash to pay back: the lines plus `shipping`. */
  total: number;
  /** Points share of the refunded units in cents-equivalent, credited as points; 0 when forfeited. */
  pointsReturned: number;
  /** Order-level shipping paid back by this refund (on_full_refund only). */
  shipping: number;
  /** After this refund every unit of every line has been refunded. */
  completesOrder: boolean;
}
