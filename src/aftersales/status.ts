import type { AftersaleKind, AftersaleStatus } from "../db/schema/index.ts";

export const STATUS_LABELS: Record<AftersaleStatus, string> = {
  open: "处理中",
  refunded: "已退款(待收退货)",
  received: "已收到退货(待退款)",
  closed: "已完成",
  rejected: "已驳回",
};

/**
 * Where a case goes when its refund is approved or its goods come back: a return-and-refund case
 * needs both before it closes; refund-only closes on the refund, exchange on the goods.
 */
export function nextStatus(
  kind: AftersaleKind,
  now: AftersaleStatus,
  step: "refunded" | "received",
): AftersaleStatus {
  if (kind === "refund_only") return step === "refunded" ? "closed" : now;
  if (kind === "exchange") return step === "received" ? "closed" : now;
  if (step === "refunded") return now === "received" ? "closed" : "refunded";
  return now === "refunded" ? "closed" : "received";
}

export const isResolved = (s: AftersaleStatus) => s === "closed" || s === "rejected";
