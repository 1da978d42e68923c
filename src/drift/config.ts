/**
 * The drift kinds, in the order people should look at them (most urgent first), with the Chinese
 * label, what to do about one, and — for the time-threshold kinds — how many hours count as late.
 * One object, so a deployment that wants other thresholds passes its own `DriftConfig`.
 */
export const DRIFT_KINDS = {
  shipped_after_cancel: {
    label: "已取消但货已发出",
    suggestion: "联系仓库和快递拦截包裹,追回货物或与买家确认补单",
  },
  channel_closed: {
    label: "渠道已取消/关闭,锚点未跟随",
    suggestion: "核对渠道订单:已发货的拦截快递或联系买家,未发货的按取消处理",
  },
  channel_not_shipped: {
    label: "仓库已发货,渠道未同步",
    suggestion: "在渠道后台补录发货、回传运单号,避免延迟发货处罚",
  },
  source_ahead: {
    label: "来源状态领先锚点",
    suggestion: "检查收件箱里处理失败的推送,或规则变更后重算锚点",
  },
  unknown_status: {
    label: "来源状态无法识别",
    suggestion: "在 rules.json 补充该状态的规则",
  },
  paid_not_allocated: {
    label: "付款超时未分仓",
    suggestion: "检查 WMS 是否收到订单、库存是否足够,催仓库接单",
  },
  not_shipped: {
    label: "分仓后超时未发货",
    suggestion: "催仓库打包出库,必要时告知买家延迟",
  },
  no_pickup: {
    label: "发货超时未揽收",
    suggestion: "联系快递网点揽收,核对面单是否作废",
  },
  transit_stalled: {
    label: "运输超时无更新",
    suggestion: "向快递查件,必要时报备丢件或催派",
  },
  after_sale_long: {
    label: "售后长时间未结",
    suggestion: "跟进售后单:退款、收货或驳回",
  },
} as const;

export type DriftKind = keyof typeof DRIFT_KINDS;
export const DRIFT_KIND_ORDER = Object.keys(DRIFT_KINDS) as DriftKind[];

export function kindLabel(kind: string): string {
  return (DRIFT_KINDS as Record<string, { label: string }>)[kind]?.label ?? kind;
}

export function kindSuggestion(kind: string): string {
  return (DRIFT_KINDS as Record<string, { suggestion: string }>)[kind]?.suggestion ?? "";
}

export interface DriftConfig {
  /** Hours after which a waiting order counts as drifting. */
  hours: {
    /** paid → still not allocated. */
    paidNotAllocated: number;
    /** paid → allocated/packed but not shipped. */
    notShipped: number;
    /** Warehouse shipped, a channel still says 待发货. */
    channelSync: number;
    /** Shipped at the warehouse, no carrier pickup. */
    noPickup: number;
    /** In transit, no carrier update. */
    transitStalled: number;
    /** After-sale open. */
    afterSale: number;
  };
  /**
   * Orders waiting on an anchor (paid … in transit, after-sale) last touched this many days before
   * the day are checked too: an order stuck since Monday is, by being stuck, never "touched" again.
   */
  lookbackDays: number;
  /** Orders read per keyset page. */
  pageSize: number;
  /** Items written per transaction. */
  writeBatch: number;
}

export const DEFAULT_DRIFT_CONFIG: DriftConfig = {
  hours: {
    paidNotAllocated: 24,
    notShipped: 48,
    channelSync: 12,
    noPickup: 48,
    transitStalled: 72,
    afterSale: 168,
  },
  lookbackDays: 14,
  pageSize: 2000,
  writeBatch: 500,
};

/** Anchors an order can sit on while something is owed to it; only these are checked in the lookback. */
export const WAITING_ANCHORS = [
  "paid",
  "allocated",
  "packed",
  "shipped_at_warehouse",
  "in_transit",
  "after_sale",
] as const;

export function driftConfig(
  over: Partial<Omit<DriftConfig, "hours">> & { hours?: Partial<DriftConfig["hours"]> } = {},
): DriftConfig {
  return {
    ...DEFAULT_DRIFT_CONFIG,
    ...over,
    hours: { ...DEFAULT_DRIFT_CONFIG.hours, ...over.hours },
  };
}
