/**
 * The wide table's columns with their lineage: where each comes from, the rule that derives it,
 * who owns it, and the SQL that computes it. refresh-fact.ts builds its INSERT … SELECT from
 * `sql` below, so what `口径 <字段>` prints is exactly what runs.
 *
 * In the SQL, `o` is the order (`orders` plus `pay_t`, the payment time) and `a` its address.
 */

export interface FactColumn {
  /** Column name in `order_facts` and in the API. */
  name: string;
  zh: string;
  /** The source system(s) the value comes from. */
  source: string;
  /** The transformation rule, in words. */
  rule: string;
  owner: string;
  /** The SQL expression that computes it (null: filled by a second statement, see `rule`). */
  sql: string | null;
}

const MAIN_AFTER_SHIP = "'shipped_at_warehouse', 'in_transit', 'delivered', 'completed'";

/** When the order's first (or last) event whose rule moves the anchor to one of `anchors` happened. */
const eventAt = (agg: "min" | "max", anchors: string) =>
  `(select ${agg}(e.event_time) from order_events e where e.order_no = o.order_no and exists (select 1 from json_each(e.effects) j where json_extract(j.value, '$.anchor') in (${anchors})))`;

const discountOf = (kind: string) =>
  `coalesce((select sum(d.amount) from order_discounts d where d.order_no = o.order_no and d.kind = '${kind}'), 0)`;

const caseCount = (cond: string) =>
  `(select count(*) from aftersale_cases c where c.order_no = o.order_no${cond ? ` and ${cond}` : ""})`;

const GOODS =
  "coalesce((select sum(l.qty * l.unit_price) from order_lines l where l.order_no = o.order_no), 0)";
const SHIPPING_INCOME =
  "case when coalesce(o.shipping_borne_by, 'buyer') = 'buyer' then coalesce(o.shipping_fee, 0) else 0 end";
const ORDER_AMOUNT = `coalesce(o.order_amount, ${GOODS})`;

/**
 * When payment succeeded: the channel's pay_time (or our payment callback's time, which
 * handleEvent writes to orders.paid_at), else the first stored payment, else the first event whose
 * rule says `paid`. An order without any of these is not paid and has no fact row.
 */
export const PAID_AT_SQL = `coalesce(o.paid_at, (select min(p.received_at) from payments p where p.order_no = o.order_no), ${eventAt("min", "'paid'")})`;

const ORDER_CORE = "订单中台 (order core)";
const CHANNELS = "渠道订单快照 taobao/pdd/shopee/miniapp";

export const FACT_COLUMNS: readonly FactColumn[] = [
  {
    name: "order_no",
    zh: "订单号",
    source: CHANNELS,
    rule: "渠道订单号,原样保留(19 位数字不丢精度)",
    owner: ORDER_CORE,
    sql: "o.order_no",
  },
  {
    name: "channel",
    zh: "渠道",
    source: CHANNELS,
    rule: "订单首个渠道事件的来源:taobao/pdd/shopee/miniapp",
    owner: ORDER_CORE,
    sql: "o.channel",
  },
  {
    name: "status_anchor",
    zh: "状态锚点",
    source: "anchorbot 锚点规则 (src/anchors/rules.json)",
    rule: "订单当前唯一状态,由全部事件按事件时间折叠得出",
    owner: ORDER_CORE,
    sql: "o.status_anchor",
  },
  {
    name: "buyer_key",
    zh: "买家",
    source: CHANNELS,
    rule: "渠道买家 id(<渠道>:<id>),无则手机号,再无则订单号(视为一次性买家)",
    owner: ORDER_CORE,
    sql: "coalesce(o.buyer_id, o.buyer_phone, 'order:' || o.order_no)",
  },
  {
    name: "buyer_first",
    zh: "新客首单",
    source: "order_facts 自身",
    rule: "该买家按付款时间(同时刻按订单号)最早的一笔付款订单记 1,其余记 0;每次刷新重算该买家的全部行",
    owner: "数据组 (data)",
    sql: null,
  },
  {
    name: "province",
    zh: "省份",
    source: `${CHANNELS} 收货地址`,
    rule: "最新快照的收货省份,未知为空",
    owner: ORDER_CORE,
    sql: "a.province",
  },
  {
    name: "city",
    zh: "城市",
    source: `${CHANNELS} 收货地址`,
    rule: "最新快照的收货城市",
    owner: ORDER_CORE,
    sql: "a.city",
  },
  {
    name: "created_at",
    zh: "下单时间",
    source: CHANNELS,
    rule: "渠道 created/create_time,UTC 毫秒",
    owner: ORDER_CORE,
    sql: "o.created_at",
  },
  {
    name: "paid_at",
    zh: "付款时间",
    source: "渠道 pay_time / 支付回调 (wechatpay, payment)",
    rule: "渠道 pay_time;无则支付回调时间;再无则首个「已付款」事件时间。付款成功是事实表唯一入口:无付款时间的订单(未付款、付款前取消)不进表",
    owner: "财务 (finance)",
    sql: PAID_AT_SQL,
  },
  {
    name: "order_amount",
    zh: "商品金额",
    source: CHANNELS,
    rule: "商品原价合计(单价×数量),不含运费、未扣优惠;渠道给出则取渠道值",
    owner: ORDER_CORE,
    sql: ORDER_AMOUNT,
  },
  {
    name: "discount_total",
    zh: "优惠合计",
    source: CHANNELS,
    rule: "快照中全部优惠(满减+优惠券+积分+其他)之和",
    owner: "运营 (ops)",
    sql: "coalesce(o.discount_total, 0)",
  },
  {
    name: "discount_full_reduction",
    zh: "满减",
    source: CHANNELS,
    rule: "kind = full_reduction 的优惠之和",
    owner: "运营 (ops)",
    sql: discountOf("full_reduction"),
  },
  {
    name: "discount_coupon",
    zh: "优惠券",
    source: CHANNELS,
    rule: "kind = coupon 的优惠之和",
    owner: "运营 (ops)",
    sql: discountOf("coupon"),
  },
  {
    name: "discount_points",
    zh: "积分抵扣",
    source: CHANNELS,
    rule: "kind = points 的优惠之和",
    owner: "运营 (ops)",
    sql: discountOf("points"),
  },
  {
    name: "discount_other",
    zh: "其他优惠",
    source: CHANNELS,
    rule: "kind = other 的优惠之和",
    owner: "运营 (ops)",
    sql: discountOf("other"),
  },
  {
    name: "shipping_fee",
    zh: "运费",
    source: CHANNELS,
    rule: "订单运费,无则 0",
    owner: ORDER_CORE,
    sql: "coalesce(o.shipping_fee, 0)",
  },
  {
    name: "shipping_income",
    zh: "运费收入",
    source: CHANNELS,
    rule: "买家承担的运费(shipping_borne_by = buyer 或未注明);卖家包邮为 0",
    owner: "财务 (finance)",
    sql: SHIPPING_INCOME,
  },
  {
    name: "actual_paid",
    zh: "实付金额",
    source: `${CHANNELS} / 支付回调`,
    rule: "渠道实付(payment);无则支付回调金额之和;再无则 商品金额 − 优惠 + 运费收入",
    owner: "财务 (finance)",
    sql: `coalesce(o.actual_paid, (select sum(p.amount) from payments p where p.order_no = o.order_no), ${ORDER_AMOUNT} - coalesce(o.discount_total, 0) + ${SHIPPING_INCOME})`,
  },
  {
    name: "line_count",
    zh: "商品行数",
    source: CHANNELS,
    rule: "快照中的商品行数",
    owner: ORDER_CORE,
    sql: "(select count(*) from order_lines l where l.order_no = o.order_no)",
  },
  {
    name: "units",
    zh: "件数",
    source: CHANNELS,
    rule: "各行数量之和",
    owner: ORDER_CORE,
    sql: "coalesce((select sum(l.qty) from order_lines l where l.order_no = o.order_no), 0)",
  },
  {
    name: "shipped_at",
    zh: "发货时间",
    source: "WMS 出库 / 渠道发货状态",
    rule: "首个把锚点推进到「仓库已发出」或更后的事件时间",
    owner: "仓储 (warehouse)",
    sql: eventAt("min", MAIN_AFTER_SHIP),
  },
  {
    name: "picked_up_at",
    zh: "揽收时间",
    source: "物流 (Kuaidi100 等) 轨迹推送",
    rule: "运单最早揽收时间;无则首个「运输中」或更后的事件时间",
    owner: "物流 (logistics)",
    sql: `coalesce((select min(s.picked_up_at) from shipments s where s.order_no = o.order_no), ${eventAt("min", "'in_transit', 'delivered', 'completed'")})`,
  },
  {
    name: "delivered_at",
    zh: "签收时间",
    source: "物流轨迹推送 / 渠道签收状态",
    rule: "运单最早签收时间;无则首个「已签收」或「已完成」事件时间",
    owner: "物流 (logistics)",
    sql: `coalesce((select min(s.signed_at) from shipments s where s.order_no = o.order_no), ${eventAt("min", "'delivered', 'completed'")})`,
  },
  {
    name: "cancelled_at",
    zh: "取消时间",
    source: "渠道取消/关闭状态",
    rule: "锚点当前为「已取消」时,最后一个取消事件的时间;否则为空(发货后的取消不算)",
    owner: ORDER_CORE,
    sql: `case when o.status_anchor = 'cancelled' then coalesce(${eventAt("max", "'cancelled'")}, o.anchor_changed_at) end`,
  },
  {
    name: "aftersale_count",
    zh: "售后单数",
    source: "anchorbot 售后 (aftersale_cases)",
    rule: "该订单的售后单数(任何类型、任何状态)",
    owner: "客服售后 (after-sales)",
    sql: caseCount(""),
  },
  {
    name: "return_count",
    zh: "退货售后数",
    source: "anchorbot 售后 (aftersale_cases)",
    rule: "类型为退货退款且未被驳回的售后单数",
    owner: "客服售后 (after-sales)",
    sql: caseCount("c.kind = 'return_refund' and c.status <> 'rejected'"),
  },
  {
    name: "aftersale_resolved",
    zh: "已结售后数",
    source: "anchorbot 售后 (aftersale_cases)",
    rule: "已有结果(关闭或驳回)的售后单数",
    owner: "客服售后 (after-sales)",
    sql: caseCount("c.resolved_at is not null"),
  },
  {
    name: "aftersale_handle_ms",
    zh: "售后处理总时长",
    source: "anchorbot 售后 (aftersale_cases)",
    rule: "已结售后单 (结束时间 − 创建时间) 之和,毫秒",
    owner: "客服售后 (after-sales)",
    sql: "coalesce((select sum(c.resolved_at - c.created_at) from aftersale_cases c where c.order_no = o.order_no and c.resolved_at is not null), 0)",
  },
  {
    name: "refund_count",
    zh: "退款笔数",
    source: "anchorbot 退款凭证 (refunds)",
    rule: "已批准的退款笔数",
    owner: "财务 (finance)",
    sql: "(select count(*) from refunds r where r.order_no = o.order_no)",
  },
  {
    name: "refund_amount",
    zh: "退款金额",
    source: "anchorbot 退款凭证 (refunds)",
    rule: "已批准退款的 total 之和(含退回运费),原子拆分到分",
    owner: "财务 (finance)",
    sql: "coalesce((select sum(r.total) from refunds r where r.order_no = o.order_no), 0)",
  },
  {
    name: "refund_shipping",
    zh: "退回运费",
    source: "anchorbot 退款凭证 (refunds)",
    rule: "已批准退款中退回运费的部分",
    owner: "财务 (finance)",
    sql: "coalesce((select sum(r.shipping) from refunds r where r.order_no = o.order_no), 0)",
  },
  {
    name: "oversold",
    zh: "超卖",
    source: "anchorbot 库存 (alerts)",
    rule: "订单进来时已无库存(oversold_at_intake)或付款时预占已过期且库存已没(paid_without_stock)记 1",
    owner: "运营 (ops)",
    sql: "exists (select 1 from alerts al where al.order_no = o.order_no and al.kind in ('oversold_at_intake', 'paid_without_stock'))",
  },
  {
    name: "refreshed_at",
    zh: "刷新时间",
    source: "anchorbot",
    rule: "这一行最后一次重算的时间",
    owner: "数据组 (data)",
    sql: null,
  },
];

export function findColumn(name: string): FactColumn | undefined {
  const q = name.trim().toLowerCase();
  return FACT_COLUMNS.find((c) => c.name === q || c.zh === name.trim());
}
