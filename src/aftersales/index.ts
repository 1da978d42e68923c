export { RETURN_STATE_LABELS, syncChannelCase, trackReturn } from "./channel-cases.ts";
export {
  approveRefund,
  casesOfOrder,
  claimCase,
  getCase,
  quoteCase,
  rejectCase,
  setReturnWaybill,
} from "./decide-case.ts";
export { findFreeze, freezeBuyer, freezeKey, holdIfFrozen, unfreezeBuyer } from "./freeze.ts";
export {
  KINDS,
  openCase,
  orderMoney,
  parseKind,
  parseLineSpec,
  refundedUnits,
  resolveLines,
} from "./open-case.ts";
export { qrPng, qrSvg, signOrderRef, verifyOrderRef } from "./qr.ts";
export { scanReturn } from "./scan-return.ts";
export { escalateStaleCases } from "./sla.ts";
export { quoteRefund } from "./split.ts";
export { isResolved, STATUS_LABELS } from "./status.ts";
