export { type ApplyResult, applyEvent, contentEventId } from "./apply-event.ts";
export { cancelOrder, whyNotStoppable } from "./cancel-order.ts";
export { getOrder, type OrderView } from "./get-order.ts";
export { findOrderNos, type LookupKind, lookupOrder, type OrderSummary } from "./lookup-order.ts";
export {
  isResolution,
  RESOLUTIONS,
  type Resolution,
  resolutionsFor,
  resolveAttention,
} from "./resolve-attention.ts";
export { saveSnapshot } from "./save-snapshot.ts";
