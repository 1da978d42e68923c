import { type SQL, sql } from "drizzle-orm";
import type { AlertLevel } from "../db/schema/index.ts";
import type { Audience } from "../shared/notifier.ts";

/** What a rule does to the order at once, before anyone decides. */
export type RuleAction = "hold" | "lock" | "freeze" | "notify";

export const ACTION_LABELS: Record<RuleAction, string> = {
  hold: "暂停审核",
  lock: "锁单",
  freeze: "冻结客户并暂停",
  notify: "仅通知",
};

/** A tunable parameter: its key, what people call it, and the values it accepts. */
export type ParamSpec =
  | { key: string; label: string; kind: "int"; min: number; max: number; unit?: string; default: number }
  | { key: string; label: string; kind: "words"; default: string[] };

export type Params = Record<string, number | string[]>;

/** The order as the rules see it: read once per event. */
export interface OrderFacts {
  orderNo: string;
  channel: string;
  anchor: string;
  buyerId: string | null;
  phone: string | null;
  /** What is at stake, in cents: paid amount, else the order amount. */
  amount: number;
  createdAt: number;
  attention: string | null;
  address: {
    province: string | null;
    city: string | null;
    district: string | null;
    detail: string | null;
  } | null;
  lines: { sku: string; qty: number; unitPrice: number; amount: number | null; promoTag: string | null }[];
}

/** A rule's verdict on one order. */
export interface Finding {
  /** What grouped hits share: the phone, the address, the order. */
  key: string;
  message: string;
  details: Record<string, unknown>;
  score?: number;
  /** Overrides the rule's action (a burst scored over the freeze line freezes). */
  action?: RuleAction;
}

export interface RuleDef {
  id: string;
  name: string;
  summary: string;
  /** order: on every order event; schedule: by a job (pickup-check), since no event arrives. */
  trigger: "order" | "schedule";
  level: AlertLevel;
  action: RuleAction;
  /** What it does, in words, when that is more than its action (a score that may freeze). */
  actionText?: string;
  /** Who a P2 goes to; P1 follows the escalation chain. */
  audiences: Audience[];
  /** Whether hits wait for a person's 放行 / 拦截 / 冻结客户. */
  decisions: boolean;
  params: ParamSpec[];
  /** Hits of the same key within this window join one group (one card, one decision). */
  groupWindowMs: number;
  /**
   * What the rule reads beyond the order: scalar SQL expressions correlated with the order row `o`
   * and its address `a`. Every rule's inputs are read in the one statement that loads the order,
   * so an event costs one round trip to SQLite however many rules are on.
   */
  inputs?(p: Params): Record<string, SQL>;
  /** The verdict, from the order, the parameters and the inputs' values (pure). */
  check?(order: OrderFacts, p: Params, v: Record<string, unknown>): Finding | null;
}

const HOUR = 3_600_000;
const yuanText = (cents: number) => `¥${(cents / 100).toFixed(2)}`;
const num = (p: Params, k: string) => p[k] as number;
const words = (p: Params, k: string) => p[k] as string[];

/** One line of the burst score: what it counted and how many points it gave. */
export interface ScorePart {
  part: string;
  value: string;
  points: number;
}

/** The phone-burst risk score, 0–100, with its parts (shown on the card and by `告警 <id>`). */
export function burstScore(input: {
  orders: number;
  minOrders: number;
  addresses: number;
  cities: number;
  earlierOrders: number;
}): { score: number; parts: ScorePart[] } {
  const parts: ScorePart[] = [
    {
      part: "订单数",
      value: `${input.orders} 单`,
      points: Math.min(50, 30 + 5 * Math.max(0, input.orders - input.minOrders)),
    },
    {
      part: "地址分散",
      value: `${input.addresses} 个不同地址`,
      points: input.orders > 1 ? Math.round((30 * (input.addresses - 1)) / (input.orders - 1)) : 0,
    },
    {
      part: "跨城市",
      value: `${input.cities} 个城市`,
      points: Math.min(10, 5 * Math.max(0, input.cities - 1)),
    },
    {
      part: "新客户",
      value: input.earlierOrders === 0 ? "此前无订单" : `此前 ${input.earlierOrders} 单`,
      points: input.earlierOrders === 0 ? 10 : 0,
    },
  ];
  return {
    score: Math.min(
      100,
      parts.reduce((s, p) => s + p.points, 0),
    ),
    parts,
  };
}

const normAddress = (a: OrderFacts["address"]) =>
  a?.detail ? `${a.province ?? ""}${a.city ?? ""}${a.district ?? ""}${a.detail}`.replace(/\s+/g, "") : null;

/**
 * The rule catalogue (SPEC §2.6): the four required rules and the ones a risk analyst adds next.
 * What each checks is code; its switch, level and parameters are rows (`alert_rules`).
 */
export const RULES: RuleDef[] = [
  {
    id: "address_risk",
    name: "地址风险",
    summary: "收货地址含酒店/网吧/快递柜等且金额超过阈值:暂停,等人工审核",
    trigger: "order",
    level: "P1",
    action: "hold",
    audiences: ["managers"],
    decisions: true,
    groupWindowMs: 0,
    params: [
      {
        key: "words",
        label: "关键词",
        kind: "words",
        default: ["酒店", "宾馆", "网吧", "快递柜", "丰巢", "驿站", "代收点"],
      },
      { key: "min_amount", label: "金额", kind: "int", min: 0, max: 10_000_000, unit: "元", default: 500 },
    ],
    check(o, p) {
      const where = [o.address?.district, o.address?.detail].filter(Boolean).join("");
      const hit = words(p, "words").find((w) => where.includes(w));
      if (!hit || o.amount <= num(p, "min_amount") * 100) return null;
      return {
        key: o.orderNo,
        message: `收货地址含「${hit}」且金额 ${yuanText(o.amount)} 超过 ¥${num(p, "min_amount")}`,
        details: { word: hit, address: where, amount: o.amount },
      };
    },
  },
  {
    id: "phone_burst",
    name: "同号多单",
    summary: "同一手机号 1 小时内多单且地址分散:计算风险分,达到冻结线则冻结客户",
    trigger: "order",
    level: "P1",
    action: "notify",
    actionText: "风险评分;达冻结分则冻结客户并暂停",
    audiences: ["managers"],
    decisions: true,
    groupWindowMs: 24 * HOUR,
    params: [
      { key: "window_min", label: "时间窗", kind: "int", min: 1, max: 1440, unit: "分钟", default: 60 },
      { key: "min_orders", label: "单数", kind: "int", min: 2, max: 1000, unit: "单", default: 5 },
      { key: "min_addresses", label: "地址数", kind: "int", min: 1, max: 1000, unit: "个", default: 3 },
      { key: "freeze_score", label: "冻结分", kind: "int", min: 1, max: 100, unit: "分", default: 85 },
    ],
    inputs: (p) => {
      const since = sql`o.created_at - ${num(p, "window_min") * 60_000}`;
      return {
        burst: sql`(SELECT json_array(count(*),
            count(DISTINCT coalesce(xa.province, '') || coalesce(xa.city, '') || coalesce(xa.district, '') || coalesce(xa.detail, '')),
            count(DISTINCT coalesce(xa.city, '')))
          FROM orders x LEFT JOIN addresses xa ON xa.order_no = x.order_no
          WHERE x.buyer_phone = o.buyer_phone AND x.created_at >= ${since} AND x.created_at <= o.created_at)`,
        earlier: sql`(SELECT 1 FROM orders e WHERE e.buyer_phone = o.buyer_phone AND e.created_at < ${since} LIMIT 1)`,
      };
    },
    check(o, p, v) {
      if (!o.phone || typeof v.burst !== "string") return null;
      const [n, addrs, cities] = JSON.parse(v.burst) as [number, number, number];
      if (n < num(p, "min_orders") || addrs < num(p, "min_addresses")) return null;
      const { score, parts } = burstScore({
        orders: n,
        minOrders: num(p, "min_orders"),
        addresses: addrs,
        cities,
        earlierOrders: v.earlier ? 1 : 0,
      });
      const freeze = score >= num(p, "freeze_score");
      return {
        key: o.phone,
        score,
        action: freeze ? "freeze" : "notify",
        message: `手机号 ${o.phone} ${num(p, "window_min")} 分钟内 ${n} 单、${addrs} 个地址,风险分 ${score}${freeze ? `(≥ ${num(p, "freeze_score")},已冻结客户)` : ""}`,
        details: { phone: o.phone, orders: n, addresses: addrs, cities, parts },
      };
    },
  },
  {
    id: "deep_discount",
    name: "超低价",
    summary: "某行折扣超过阈值且没有活动标记:锁单并通知运营",
    trigger: "order",
    level: "P2",
    action: "lock",
    audiences: ["ops"],
    decisions: true,
    groupWindowMs: 0,
    params: [{ key: "max_discount", label: "折扣", kind: "int", min: 1, max: 100, unit: "%", default: 85 }],
    check(o, p) {
      const limit = num(p, "max_discount") / 100;
      for (const l of o.lines) {
        const list = l.qty * l.unitPrice;
        if (l.promoTag || l.amount === null || list <= 0) continue;
        const off = 1 - l.amount / list;
        if (off > limit)
          return {
            key: o.orderNo,
            message: `${l.sku} 原价 ${yuanText(list)} 实收 ${yuanText(l.amount)},折扣 ${(off * 100).toFixed(1)}% 超过 ${num(p, "max_discount")}% 且无活动标记`,
            details: {
              sku: l.sku,
              listAmount: list,
              paidAmount: l.amount,
              discountPct: Math.round(off * 1000) / 10,
            },
          };
      }
      return null;
    },
  },
  {
    id: "pickup_overdue",
    name: "揽收超时",
    summary: "仓库已发出超过阈值小时仍无快递揽收:通知仓库主管和客服主管",
    trigger: "schedule",
    level: "P2",
    action: "notify",
    audiences: ["warehouse", "cs_lead"],
    decisions: false,
    groupWindowMs: 24 * HOUR,
    params: [{ key: "hours", label: "小时", kind: "int", min: 1, max: 720, unit: "小时", default: 48 }],
  },
  {
    id: "payment_mismatch",
    name: "支付金额不符",
    summary: "收到的支付金额与订单应付不一致:暂停,等人工核对",
    trigger: "order",
    level: "P1",
    action: "hold",
    audiences: ["managers"],
    decisions: true,
    groupWindowMs: 0,
    params: [{ key: "tolerance", label: "容差", kind: "int", min: 0, max: 100_000, unit: "分", default: 0 }],
    inputs: () => ({
      paid: sql`(SELECT sum(amount) FROM payments WHERE order_no = o.order_no)`,
      due: sql`o.actual_paid`,
    }),
    check(o, p, v) {
      if (v.paid == null || v.due == null) return null;
      const paid = Number(v.paid);
      const due = Number(v.due);
      if (Math.abs(paid - due) <= num(p, "tolerance")) return null;
      return {
        key: o.orderNo,
        message: `支付到账 ${yuanText(paid)},订单应付 ${yuanText(due)},相差 ${yuanText(Math.abs(paid - due))}`,
        details: { paid, due },
      };
    },
  },
  {
    id: "amount_spike",
    name: "金额突增",
    summary: "订单金额远高于该客户历史均值:通知运营复核",
    trigger: "order",
    level: "P2",
    action: "notify",
    audiences: ["ops"],
    decisions: true,
    groupWindowMs: 0,
    params: [
      { key: "multiple", label: "倍数", kind: "int", min: 2, max: 1000, unit: "倍", default: 5 },
      { key: "min_history", label: "历史单数", kind: "int", min: 1, max: 100, unit: "单", default: 3 },
      { key: "min_amount", label: "金额", kind: "int", min: 0, max: 10_000_000, unit: "元", default: 300 },
    ],
    inputs: () => ({
      // The customer's last 20 earlier orders that were not cancelled: how many, and their average.
      history: sql`(SELECT json_array(count(*), avg(amt)) FROM (
          SELECT coalesce(h.actual_paid, h.order_amount) AS amt FROM orders h
          WHERE h.buyer_phone = o.buyer_phone AND h.created_at < o.created_at AND h.order_no <> o.order_no
            AND h.status_anchor <> 'cancelled' AND coalesce(h.actual_paid, h.order_amount) > 0
          ORDER BY h.created_at DESC LIMIT 20))`,
    }),
    check(o, p, v) {
      if (!o.phone || o.amount < num(p, "min_amount") * 100 || typeof v.history !== "string") return null;
      const [n, avg] = JSON.parse(v.history) as [number, number | null];
      if (n < num(p, "min_history") || !avg) return null;
      const times = o.amount / avg;
      if (times < num(p, "multiple")) return null;
      return {
        key: o.orderNo,
        message: `金额 ${yuanText(o.amount)} 是该客户近 ${n} 单均值 ${yuanText(Math.round(avg))} 的 ${times.toFixed(1)} 倍`,
        details: {
          amount: o.amount,
          historyOrders: n,
          historyAvg: Math.round(avg),
          times: Math.round(times * 10) / 10,
        },
      };
    },
  },
  {
    id: "shared_address",
    name: "多人同址",
    summary: "多个不同手机号短时间内寄往同一地址:疑似刷单或黄牛,通知运营",
    trigger: "order",
    level: "P2",
    action: "notify",
    audiences: ["ops"],
    decisions: true,
    groupWindowMs: 24 * HOUR,
    params: [
      { key: "window_hours", label: "时间窗", kind: "int", min: 1, max: 720, unit: "小时", default: 24 },
      { key: "min_buyers", label: "人数", kind: "int", min: 2, max: 1000, unit: "人", default: 3 },
    ],
    inputs: (p) => ({
      shared: sql`(SELECT json_array(count(DISTINCT coalesce(x.buyer_phone, x.buyer_id)), count(*))
          FROM addresses sa JOIN orders x ON x.order_no = sa.order_no
          WHERE sa.detail = a.detail AND coalesce(sa.city, '') = coalesce(a.city, '')
            AND x.created_at >= o.created_at - ${num(p, "window_hours") * HOUR} AND x.created_at <= o.created_at)`,
    }),
    check(o, p, v) {
      if (!o.address?.detail || typeof v.shared !== "string") return null;
      const [buyers, n] = JSON.parse(v.shared) as [number, number];
      if (buyers < num(p, "min_buyers")) return null;
      const where = normAddress(o.address)!;
      return {
        key: where,
        message: `${buyers} 个不同客户 ${num(p, "window_hours")} 小时内向同一地址下单 ${n} 单:${where}`,
        details: { address: where, buyers, orders: n },
      };
    },
  },
  {
    id: "refund_frequency",
    name: "频繁退款",
    summary: "近期售后/退款次数异常多的客户又下单:通知客服主管",
    trigger: "order",
    level: "P2",
    action: "notify",
    audiences: ["cs_lead"],
    decisions: true,
    groupWindowMs: 7 * 24 * HOUR,
    params: [
      { key: "days", label: "天数", kind: "int", min: 1, max: 365, unit: "天", default: 30 },
      { key: "min_cases", label: "次数", kind: "int", min: 1, max: 1000, unit: "次", default: 3 },
    ],
    inputs: (p) => ({
      cases: sql`(SELECT count(*) FROM aftersale_cases c JOIN orders x ON x.order_no = c.order_no
          WHERE x.buyer_phone = o.buyer_phone AND c.created_at >= o.created_at - ${num(p, "days") * 24 * HOUR}
            AND x.order_no <> o.order_no)`,
    }),
    check(o, p, v) {
      const n = Number(v.cases ?? 0);
      if (!o.phone || n < num(p, "min_cases")) return null;
      return {
        key: o.phone,
        message: `客户 ${o.phone} 近 ${num(p, "days")} 天已有 ${n} 次售后/退款,又下单 ${o.orderNo}`,
        details: { phone: o.phone, cases: n, days: num(p, "days") },
      };
    },
  },
];

const byId = new Map(RULES.map((r) => [r.id, r]));

/** A rule by id (address_risk) or Chinese name (地址风险); null if none. */
export function findRule(nameOrId: string): RuleDef | null {
  const k = nameOrId.trim();
  return byId.get(k) ?? byId.get(k.toLowerCase()) ?? RULES.find((r) => r.name === k) ?? null;
}

export function ruleById(id: string): RuleDef {
  const r = byId.get(id);
  if (!r) throw new Error(`unknown alert rule ${id}`);
  return r;
}

export function defaultParams(rule: RuleDef): Params {
  return Object.fromEntries(rule.params.map((s) => [s.key, s.default]));
}
