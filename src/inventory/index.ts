export { applyPayment, type PaymentOutcome, type PaymentResult } from "./apply-payment.ts";
export { type ExpiredOrder, expireReservations } from "./expire-reservations.ts";
export { type ListingChange, settleListing } from "./low-stock.ts";
export {
  createReservationEngine,
  type EngineResult,
  type ReservationEngine,
  type ReserveCall,
} from "./reservation-engine.ts";
export {
  type ReserveRequest,
  type ReserveResult,
  reserveBatch,
  StockConflict,
  sumLines,
} from "./reserve-batch.ts";
export {
  getSku,
  listSkus,
  listSkusBelowSafety,
  type SkuInput,
  setSku,
  skuView,
  stockBoard,
} from "./sku-admin.ts";
export { available, isLow, reservable, type StockSettings } from "./stock-math.ts";
