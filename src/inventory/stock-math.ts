/** The stock rules in one place, as integers. */

/** How many units may be reserved in total: floor(on_hand × RESERVE_RATIO). */
export function reservable(onHand: number, reserveRatio: number): number {
  // The epsilon keeps 100 × 0.95 at 95 whatever the float rounding does.
  return Math.max(0, Math.floor(onHand * reserveRatio + 1e-9));
}

/** What can still be reserved right now. */
export function available(onHand: number, reserved: number, reserveRatio: number): number {
  return Math.max(0, reservable(onHand, reserveRatio) - reserved);
}

/** Below LOW_STOCK_RATIO of the safety line the SKU is unlisted; a SKU without a safety line never is. */
export function isLow(avail: number, safetyStock: number, lowStockRatio: number): boolean {
  return safetyStock > 0 && avail < safetyStock * lowStockRatio;
}

export interface StockSettings {
  reserveRatio: number;
  lowStockRatio: number;
  paymentTimeoutMs: number;
}
