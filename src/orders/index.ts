export { type ApplyResult, applyEvent, contentEventId } from "./apply-event.ts";
export { getOrder, type OrderView } from "./get-order.ts";
export { saveSnapshot } from "./save-snapshot.ts";
