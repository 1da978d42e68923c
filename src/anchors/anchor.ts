/** Anchor values in order of progress on the main line; exits sit off it. */
export const MAIN_LINE = [
  "created",
  "paid",
  "allocated",
  "packed",
  "shipped_at_warehouse",
  "in_transit",
  "delivered",
  "completed",
] as const;
export const EXITS = ["cancelled", "after_sale", "refunded", "closed"] as const;

export type MainAnchor = (typeof MAIN_LINE)[number];
export type Anchor = MainAnchor | (typeof EXITS)[number];
export const ANCHORS: readonly Anchor[] = [...MAIN_LINE, ...EXITS];

export function mainRank(a: string): number {
  return (MAIN_LINE as readonly string[]).indexOf(a);
}

export function isAnchor(a: string): a is Anchor {
  return (ANCHORS as readonly string[]).includes(a);
}

/** Chinese labels for people; the API and rules use the English values. */
export const ANCHOR_LABELS: Record<Anchor, string> = {
  created: "已下单",
  paid: "已付款",
  allocated: "已分仓",
  packed: "已打包",
  shipped_at_warehouse: "仓库已发出",
  in_transit: "运输中",
  delivered: "已签收",
  completed: "已完成",
  cancelled: "已取消",
  after_sale: "售后中",
  refunded: "已退款",
  closed: "已关闭",
};
