import { ALERT_HITS, type Dim, DRIFT, FACT_LINES, FACTS, type MetricSource, ORDERS } from "./sources.ts";

export type Unit = "cents" | "count" | "ratio" | "hours";

/**
 * One metric. `agg` is the SQL aggregate that runs (over `source`, grouped by the dimension);
 * `wrap`, when present, post-processes the grouped rows (`k`, `v`) or regroups raw rows. The
 * caliber (口径) is printed beside every value.
 */
export interface MetricDef {
  id: string;
  zh: string;
  en: string;
  unit: Unit;
  caliber: string;
  owner: string;
  source: MetricSource;
  agg: string;
  /** Aggregate over FACT_LINES used when split by SKU (metrics that make sense per SKU only). */
  skuAgg?: string;
  /** SQL put around the grouped query (columns k, v) to regroup or rescale it. */
  wrap?: [before: string, after: string];
  /** Extra grouping inside `inner` (before wrap), e.g. per buyer. */
  innerGroup?: string;
  /** A dimension the metric is always split by (top SKUs, channel share). */
  forcedBy?: Dim;
  /** Show only the first n rows, highest first. */
  top?: number;
  /** Wide-table columns it reads, for 口径. */
  columns: string[];
  aliases?: string[];
}

const ratio = (num: string, den: string) => `1.0 * (${num}) / nullif(${den}, 0)`;
const H = 3_600_000;

const FINANCE = "财务 (finance)";
const OPS = "运营 (ops)";
const CS = "客服售后 (after-sales)";
const WH = "仓储物流 (warehouse & logistics)";
const DATA = "数据组 (data)";

/** Paid orders that were not cancelled afterwards. */
const VALID = "f.cancelled_at is null";

export const METRICS: readonly MetricDef[] = [
  {
    id: "gmv",
    zh: "GMV",
    en: "GMV",
    unit: "cents",
    caliber: "GMV = SUM(order_amount),付款订单的商品原价合计,不含运费、未扣优惠,含之后取消/退款的订单",
    owner: FINANCE,
    source: FACTS,
    agg: "sum(f.order_amount)",
    skuAgg: "sum(l.qty * l.unit_price)",
    columns: ["order_amount", "paid_at"],
    aliases: ["成交总额", "成交额"],
  },
  {
    id: "paid_amount",
    zh: "支付金额",
    en: "Paid amount",
    unit: "cents",
    caliber: "支付金额 = SUM(actual_paid),买家实付(已扣优惠,含运费),不扣退款",
    owner: FINANCE,
    source: FACTS,
    agg: "sum(f.actual_paid)",
    columns: ["actual_paid", "paid_at"],
    aliases: ["实付", "实付金额", "付款金额"],
  },
  {
    id: "sales",
    zh: "销售额",
    en: "Sales",
    unit: "cents",
    caliber: "销售额 = SUM(actual_paid − shipping_income),不含运费及优惠,不扣退款",
    owner: FINANCE,
    source: FACTS,
    agg: "sum(f.actual_paid - f.shipping_income)",
    columns: ["actual_paid", "shipping_income", "paid_at"],
  },
  {
    id: "net_sales",
    zh: "净销售额",
    en: "Net sales",
    unit: "cents",
    caliber:
      "净销售额 = SUM(actual_paid − shipping_income − (refund_amount − refund_shipping)),不含运费、优惠、商品退款;付款后取消的订单计 0",
    owner: FINANCE,
    source: FACTS,
    agg: `sum(case when ${VALID} then f.actual_paid - f.shipping_income - (f.refund_amount - f.refund_shipping) else 0 end)`,
    columns: [
      "actual_paid",
      "shipping_income",
      "refund_amount",
      "refund_shipping",
      "cancelled_at",
      "paid_at",
    ],
    aliases: ["净销售"],
  },
  {
    id: "orders",
    zh: "下单数",
    en: "Orders placed",
    unit: "count",
    caliber: "下单数 = COUNT(订单),按下单时间,含未付款和已取消的订单",
    owner: OPS,
    source: ORDERS,
    agg: "count(*)",
    columns: ["created_at"],
    aliases: ["订单数"],
  },
  {
    id: "paid_orders",
    zh: "支付订单数",
    en: "Paid orders",
    unit: "count",
    caliber: "支付订单数 = COUNT(付款成功的订单),未付款、付款前取消的订单不计;付款后取消的照计",
    owner: OPS,
    source: FACTS,
    agg: "count(*)",
    skuAgg: "count(distinct f.order_no)",
    columns: ["order_no", "paid_at"],
    aliases: ["付款订单数", "支付单数"],
  },
  {
    id: "buyers",
    zh: "支付买家数",
    en: "Paying buyers",
    unit: "count",
    caliber: "支付买家数 = COUNT(DISTINCT buyer_key),期内有付款订单的买家",
    owner: OPS,
    source: FACTS,
    agg: "count(distinct f.buyer_key)",
    skuAgg: "count(distinct f.buyer_key)",
    columns: ["buyer_key", "paid_at"],
    aliases: ["买家数", "支付人数"],
  },
  {
    id: "new_buyers",
    zh: "新买家数",
    en: "New buyers",
    unit: "count",
    caliber: "新买家数 = 首笔付款订单落在期内的买家数(buyer_first = 1)",
    owner: OPS,
    source: FACTS,
    agg: "count(distinct case when f.buyer_first = 1 then f.buyer_key end)",
    columns: ["buyer_key", "buyer_first", "paid_at"],
    aliases: ["新客数", "新客"],
  },
  {
    id: "returning_buyers",
    zh: "老买家数",
    en: "Returning buyers",
    unit: "count",
    caliber: "老买家数 = 支付买家数 − 新买家数,即首单早于统计期的买家",
    owner: OPS,
    source: FACTS,
    agg: "count(distinct f.buyer_key) - count(distinct case when f.buyer_first = 1 then f.buyer_key end)",
    columns: ["buyer_key", "buyer_first", "paid_at"],
    aliases: ["老客数", "老客"],
  },
  {
    id: "repeat_rate",
    zh: "复购率",
    en: "Repeat-purchase rate",
    unit: "ratio",
    caliber: "复购率 = 期内付款 ≥ 2 单的买家 / 支付买家数",
    owner: OPS,
    source: FACTS,
    agg: "count(*)",
    innerGroup: "f.buyer_key",
    wrap: [`select k, ${ratio("sum(v >= 2)", "count(*)")} as v from (`, ") group by k"],
    columns: ["buyer_key", "paid_at"],
    aliases: ["复购"],
  },
  {
    id: "aov",
    zh: "客单价",
    en: "Average spend per buyer",
    unit: "cents",
    caliber: "客单价 = SUM(actual_paid) / 支付买家数",
    owner: OPS,
    source: FACTS,
    agg: ratio("sum(f.actual_paid)", "count(distinct f.buyer_key)"),
    columns: ["actual_paid", "buyer_key", "paid_at"],
    aliases: ["AOV"],
  },
  {
    id: "avg_order_value",
    zh: "笔单价",
    en: "Average order value",
    unit: "cents",
    caliber: "笔单价 = SUM(actual_paid) / 支付订单数",
    owner: OPS,
    source: FACTS,
    agg: ratio("sum(f.actual_paid)", "count(*)"),
    columns: ["actual_paid", "paid_at"],
    aliases: ["平均订单金额"],
  },
  {
    id: "units",
    zh: "销售件数",
    en: "Units sold",
    unit: "count",
    caliber: "销售件数 = SUM(units),付款订单各行数量之和,不扣退货",
    owner: OPS,
    source: FACTS,
    agg: "sum(f.units)",
    skuAgg: "sum(l.qty)",
    columns: ["units", "paid_at"],
    aliases: ["件数", "销量"],
  },
  {
    id: "units_per_order",
    zh: "单均件数",
    en: "Units per order",
    unit: "count",
    caliber: "单均件数 = SUM(units) / 支付订单数",
    owner: OPS,
    source: FACTS,
    agg: ratio("sum(f.units)", "count(*)"),
    columns: ["units", "paid_at"],
    aliases: ["件单数"],
  },
  {
    id: "discount_amount",
    zh: "优惠金额",
    en: "Discount amount",
    unit: "cents",
    caliber: "优惠金额 = SUM(discount_total),满减+优惠券+积分+其他",
    owner: OPS,
    source: FACTS,
    agg: "sum(f.discount_total)",
    columns: ["discount_total", "paid_at"],
    aliases: ["优惠"],
  },
  {
    id: "discount_rate",
    zh: "优惠率",
    en: "Discount rate",
    unit: "ratio",
    caliber: "优惠率 = SUM(discount_total) / SUM(order_amount)",
    owner: OPS,
    source: FACTS,
    agg: ratio("sum(f.discount_total)", "sum(f.order_amount)"),
    columns: ["discount_total", "order_amount", "paid_at"],
  },
  {
    id: "shipping_income",
    zh: "运费收入",
    en: "Shipping income",
    unit: "cents",
    caliber: "运费收入 = SUM(shipping_income),买家承担的运费;包邮为 0",
    owner: FINANCE,
    source: FACTS,
    agg: "sum(f.shipping_income)",
    columns: ["shipping_income", "paid_at"],
    aliases: ["运费"],
  },
  {
    id: "refund_amount",
    zh: "退款金额",
    en: "Refund amount",
    unit: "cents",
    caliber: "退款金额 = SUM(refund_amount),已批准退款(含退回运费),按原订单付款日归属,不按退款日",
    owner: FINANCE,
    source: FACTS,
    agg: "sum(f.refund_amount)",
    columns: ["refund_amount", "paid_at"],
    aliases: ["退款额"],
  },
  {
    id: "refund_rate",
    zh: "退款率",
    en: "Refund rate",
    unit: "ratio",
    caliber: "退款率 = 有已批准退款或锚点为已退款的订单数 / 支付订单数",
    owner: FINANCE,
    source: FACTS,
    agg: ratio("sum(f.refund_count > 0 or f.status_anchor = 'refunded')", "count(*)"),
    columns: ["refund_count", "status_anchor", "paid_at"],
  },
  {
    id: "return_rate",
    zh: "退货率",
    en: "Return rate",
    unit: "ratio",
    caliber: "退货率 = 有退货退款售后(未驳回)的订单数 / 支付订单数",
    owner: CS,
    source: FACTS,
    agg: ratio("sum(f.return_count > 0)", "count(*)"),
    columns: ["return_count", "paid_at"],
  },
  {
    id: "cancel_rate",
    zh: "取消率",
    en: "Cancel rate",
    unit: "ratio",
    caliber: "取消率 = 付款后取消(锚点为已取消)的订单数 / 支付订单数;付款前取消的订单不在分母里",
    owner: OPS,
    source: FACTS,
    agg: ratio("sum(f.cancelled_at is not null)", "count(*)"),
    columns: ["cancelled_at", "paid_at"],
  },
  {
    id: "aftersale_count",
    zh: "售后单数",
    en: "After-sales cases",
    unit: "count",
    caliber: "售后单数 = SUM(aftersale_count),任何类型、任何状态,按原订单付款日归属",
    owner: CS,
    source: FACTS,
    agg: "sum(f.aftersale_count)",
    columns: ["aftersale_count", "paid_at"],
    aliases: ["售后数"],
  },
  {
    id: "aftersale_hours",
    zh: "售后平均处理时长",
    en: "Average after-sales handling hours",
    unit: "hours",
    caliber: "售后平均处理时长 = SUM(已结售后 结束−创建) / 已结售后单数,小时;未结的不计",
    owner: CS,
    source: FACTS,
    agg: `${ratio("sum(f.aftersale_handle_ms)", "sum(f.aftersale_resolved)")} / ${H}`,
    columns: ["aftersale_handle_ms", "aftersale_resolved", "paid_at"],
    aliases: ["售后时长", "售后处理时长"],
  },
  {
    id: "ship_24h_rate",
    zh: "24小时发货率",
    en: "Shipped-within-24h rate",
    unit: "ratio",
    caliber:
      "24小时发货率 = 付款后 24 小时内发货的订单 / (未取消或已发货的支付订单);未满 24 小时尚未发货的也在分母里",
    owner: WH,
    source: FACTS,
    agg: ratio(
      `sum(f.shipped_at is not null and f.shipped_at - f.paid_at <= ${24 * H})`,
      `sum(${VALID} or f.shipped_at is not null)`,
    ),
    columns: ["shipped_at", "paid_at", "cancelled_at"],
    aliases: ["发货及时率", "准时发货率"],
  },
  {
    id: "pickup_48h_rate",
    zh: "48小时揽收率",
    en: "Picked-up-within-48h rate",
    unit: "ratio",
    caliber: "48小时揽收率 = 发货后 48 小时内被快递揽收的订单 / 已发货订单",
    owner: WH,
    source: FACTS,
    agg: ratio(
      `sum(f.picked_up_at is not null and f.picked_up_at - f.shipped_at <= ${48 * H})`,
      "sum(f.shipped_at is not null)",
    ),
    columns: ["picked_up_at", "shipped_at", "paid_at"],
    aliases: ["揽收率"],
  },
  {
    id: "fulfil_hours",
    zh: "平均发货时长",
    en: "Average fulfilment hours",
    unit: "hours",
    caliber: "平均发货时长 = AVG(shipped_at − paid_at),小时,只计已发货订单",
    owner: WH,
    source: FACTS,
    agg: `avg(f.shipped_at - f.paid_at) / ${H}.0`,
    columns: ["shipped_at", "paid_at"],
    aliases: ["发货时长"],
  },
  {
    id: "delivery_hours",
    zh: "平均配送时长",
    en: "Average delivery hours",
    unit: "hours",
    caliber: "平均配送时长 = AVG(delivered_at − shipped_at),小时,只计已发货且已签收的订单",
    owner: WH,
    source: FACTS,
    agg: `avg(case when f.shipped_at is not null then f.delivered_at - f.shipped_at end) / ${H}.0`,
    columns: ["delivered_at", "shipped_at", "paid_at"],
    aliases: ["配送时长", "物流时长"],
  },
  {
    id: "top_skus",
    zh: "热销SKU",
    en: "Top SKUs",
    unit: "count",
    caliber: "热销SKU = 按 SKU 汇总付款订单的销售件数 SUM(qty),取前 10,不扣退货",
    owner: OPS,
    source: FACT_LINES,
    agg: "sum(l.qty)",
    forcedBy: "sku",
    top: 10,
    columns: ["units", "paid_at"],
    aliases: ["热销", "TOP SKU"],
  },
  {
    id: "channel_share",
    zh: "渠道占比",
    en: "Channel share",
    unit: "ratio",
    caliber: "渠道占比 = 各渠道 SUM(actual_paid) / 全部渠道 SUM(actual_paid)",
    owner: OPS,
    source: FACTS,
    agg: "sum(f.actual_paid)",
    forcedBy: "channel",
    wrap: [`select k, ${ratio("v", "sum(v) over ()")} as v from (`, ")"],
    columns: ["actual_paid", "channel", "paid_at"],
    aliases: ["渠道份额"],
  },
  {
    id: "oversell_count",
    zh: "超卖单数",
    en: "Oversold orders",
    unit: "count",
    caliber: "超卖单数 = 付款订单中进来时已无库存或付款时库存已没的订单数(oversold = 1)",
    owner: OPS,
    source: FACTS,
    agg: "sum(f.oversold)",
    columns: ["oversold", "paid_at"],
    aliases: ["超卖"],
  },
  {
    id: "drift_count",
    zh: "漂移数",
    en: "Drift items found",
    unit: "count",
    caliber: "漂移数 = 期内首次发现的漂移(订单 × 类型 去重),按首次发现时间",
    owner: DATA,
    source: DRIFT,
    agg: "count(distinct i.order_no || '|' || i.kind)",
    columns: [],
    aliases: ["漂移"],
  },
  {
    id: "alert_stopped_amount",
    zh: "预警拦截金额",
    en: "Amount stopped by alerts",
    unit: "cents",
    caliber:
      "预警拦截金额 = SUM(alert_hits.amount),处理结果为驳回或冻结的命中,按处理时间;放行(误报)和过期不计",
    owner: "风控 (risk)",
    source: ALERT_HITS,
    agg: "coalesce(sum(case when h.outcome in ('rejected', 'frozen') then h.amount end), 0)",
    columns: [],
    aliases: ["拦截金额", "预警拦截"],
  },
];

/** Finds a metric by id, Chinese or English name or alias; case and spaces do not matter. */
export function findMetric(name: string): MetricDef | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, "");
  const q = norm(name);
  if (!q) return undefined;
  return METRICS.find(
    (m) =>
      norm(m.id) === q ||
      norm(m.zh) === q ||
      norm(m.en) === q ||
      (m.aliases ?? []).some((a) => norm(a) === q),
  );
}

/** What a period with nothing in it shows: 0 for sums and counts, nothing (—) for averages and rates. */
export function emptyValue(m: MetricDef): 0 | null {
  return m.wrap || m.agg.includes("nullif(") || m.agg.startsWith("avg(") ? null : 0;
}

/** Sums and plain counts: the whole is the sum of the parts, so a split needs no second query. */
export function isAdditive(m: MetricDef): boolean {
  return emptyValue(m) === 0 && !m.agg.includes("distinct");
}

/** The dimensions a metric can be split by. */
export function metricDims(m: MetricDef): Dim[] {
  if (m.forcedBy) return [m.forcedBy];
  const dims: Dim[] = ["day", ...(Object.keys(m.source.dims) as Dim[])];
  if (m.skuAgg) dims.push("sku");
  return dims;
}
