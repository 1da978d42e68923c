import { type SQL, sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";
import { addDays, dayRange } from "../shared/day.ts";

/** One display day's figures; money in integer cents. */
export interface DailyFigures {
  day: string;
  /** Orders whose created_at falls on the day. */
  ordersCreated: number;
  /** Orders paid on the day (see PAID_AT). */
  paidOrders: number;
  /** SUM(order_amount) of the day's paid orders. */
  gmv: number;
  /** SUM(actual_paid) of the day's paid orders. */
  paidAmount: number;
  /** Refunds approved on the day, and SUM(refunds.total). */
  refundCount: number;
  refundAmount: number;
  /** Drift items the day's latest finished drift run found (0 without one). */
  driftFound: number;
  /** Alerts open when the report was computed. */
  openAlerts: number;
  /** After-sales cases escalated by the SLA breaker on the day. */
  slaBreaches: number;
  /** Paid amount of the 7 days ending with `day`, oldest first. */
  last7: { day: string; paidAmount: number }[];
  /** Each anomaly rule's effect on the hits raised during the day (rules without hits omitted). */
  rules: ({ ruleId: string } & RuleEffect)[];
  /** P3 hits of the day: the digest (kept in the stored text, not in the flat figures). */
  digest: { id: number; ruleId: string; orderNo: string | null; message: string }[];
}

const EFFECT_KEYS = [
  "hits",
  "groups",
  "decided",
  "undecided",
  "approved",
  "rejected",
  "frozen",
  "expired",
  "amountHeld",
  "amountStopped",
] as const;

/** Printed under the figures (口径): what each number counts. */
export const CALIBER = [
  "GMV = 当日付款订单 SUM(order_amount),商品金额,不含运费、未扣优惠",
  "实付 = 当日付款订单 SUM(actual_paid),买家实付(含运费)",
  "付款时间 = 渠道 pay_time,无则首笔支付回调的入账时间;退款按审批通过时间计",
];

import { type RuleEffect, ruleEffects } from "../alerts/effect.ts";

const n = (v: unknown): number => (v == null ? 0 : Number(v));

/** The first row, if any (drizzle's `get` throws on an empty result over libSQL). */
async function first<T>(db: Reader, q: SQL): Promise<T | undefined> {
  return (await db.all<T>(q))[0];
}

/**
 * When an order was paid: the channel's pay_time where the snapshot carries one, else the first
 * payment callback we stored for it (our own storefront's orders only have the latter).
 */
const PAID_ROWS = (from: number, to: number) => sql`
  select o.paid_at as t, o.order_amount as amount, o.actual_paid as paid
    from orders o where o.paid_at >= ${from} and o.paid_at < ${to}
  union all
  select p.t, o.order_amount, o.actual_paid
    from (select order_no, min(received_at) as t from payments group by order_no) p
    join orders o on o.order_no = p.order_no
   where o.paid_at is null and p.t >= ${from} and p.t < ${to}`;

/** Paid orders, GMV and paid amount of the day, and the paid amount of each of the 7 days: one query. */
async function paidFigures(db: Reader, day: string, timeZone: string) {
  const days = Array.from({ length: 7 }, (_, i) => addDays(day, i - 6));
  const bounds = [...days.map((d) => dayRange(d, timeZone).start), dayRange(day, timeZone).end];
  const from = bounds[0]!;
  const [dayFrom, dayTo] = [bounds[6]!, bounds[7]!];
  const buckets = days.map(
    (_, i) =>
      sql`coalesce(sum(case when t >= ${bounds[i]!} and t < ${bounds[i + 1]!} then paid end), 0) as ${sql.raw(`d${i}`)}`,
  );
  const row = await first<Record<string, unknown>>(
    db,
    sql`
    select count(case when t >= ${dayFrom} and t < ${dayTo} then 1 end) as orders,
           coalesce(sum(case when t >= ${dayFrom} and t < ${dayTo} then amount end), 0) as gmv,
           ${sql.join(buckets, sql`, `)}
      from (${PAID_ROWS(from, dayTo)})`,
  );
  return {
    paidOrders: n(row?.orders),
    gmv: n(row?.gmv),
    last7: days.map((d, i) => ({ day: d, paidAmount: n(row?.[`d${i}`]) })),
  };
}

/** Each figure is one query; they run side by side. */
export async function dailyFigures(args: {
  db: Reader;
  day: string;
  timeZone: string;
}): Promise<DailyFigures> {
  const { db, day, timeZone } = args;
  const { start, end } = dayRange(day, timeZone);
  const one = async (q: SQL) => n((await first<{ v: unknown }>(db, q))?.v);
  const [paid, ordersCreated, refunds, driftFound, openAlerts, slaBreaches] = await Promise.all([
    paidFigures(db, day, timeZone),
    one(sql`select count(*) as v from orders where created_at >= ${start} and created_at < ${end}`),
    first<{ c: unknown; s: unknown }>(
      db,
      sql`select count(*) as c, coalesce(sum(total), 0) as s from refunds where created_at >= ${start} and created_at < ${end}`,
    ),
    one(sql`select found as v from drift_runs where day = ${day} and status = 'ok' order by id desc limit 1`),
    one(
      sql`select (select count(*) from alerts where status = 'open') + (select count(*) from alert_hits where status = 'open' and group_id is null) as v`,
    ),
    one(
      sql`select count(*) as v from aftersale_cases where sla_escalated_at >= ${start} and sla_escalated_at < ${end}`,
    ),
  ]);
  const today = paid.last7[6]!;
  const effects = await ruleEffects(db, { from: start, to: end });
  const digest = await db.all<{ id: number; rule_id: string; order_no: string | null; message: string }>(
    sql`select id, rule_id, order_no, message from alert_hits where level = 'P3' and created_at >= ${start} and created_at < ${end} order by id`,
  );
  return {
    day,
    ordersCreated,
    paidOrders: paid.paidOrders,
    gmv: paid.gmv,
    paidAmount: today.paidAmount,
    refundCount: n(refunds?.c),
    refundAmount: n(refunds?.s),
    driftFound,
    openAlerts,
    slaBreaches,
    last7: paid.last7,
    rules: [...effects].map(([ruleId, e]) => ({ ruleId, ...e })),
    digest: digest.map((d) => ({ id: d.id, ruleId: d.rule_id, orderNo: d.order_no, message: d.message })),
  };
}

/** The flat form kept in `reports.figures` (a JSON object of numbers). */
export function flattenFigures(f: DailyFigures): Record<string, number> {
  const out: Record<string, number> = {
    orders_created: f.ordersCreated,
    paid_orders: f.paidOrders,
    gmv: f.gmv,
    paid_amount: f.paidAmount,
    refund_count: f.refundCount,
    refund_amount: f.refundAmount,
    drift_found: f.driftFound,
    open_alerts: f.openAlerts,
    sla_breaches: f.slaBreaches,
  };
  for (const d of f.last7) out[`paid_amount@${d.day}`] = d.paidAmount;
  for (const r of f.rules) for (const k of EFFECT_KEYS) out[`rule.${r.ruleId}.${k}`] = r[k];
  return out;
}

export function unflattenFigures(day: string, flat: Record<string, number>): DailyFigures {
  const v = (k: string) => flat[k] ?? 0;
  return {
    day,
    ordersCreated: v("orders_created"),
    paidOrders: v("paid_orders"),
    gmv: v("gmv"),
    paidAmount: v("paid_amount"),
    refundCount: v("refund_count"),
    refundAmount: v("refund_amount"),
    driftFound: v("drift_found"),
    openAlerts: v("open_alerts"),
    slaBreaches: v("sla_breaches"),
    last7: Array.from({ length: 7 }, (_, i) => addDays(day, i - 6)).map((d) => ({
      day: d,
      paidAmount: v(`paid_amount@${d}`),
    })),
    rules: [...new Set(Object.keys(flat).flatMap((k) => /^rule\.([^.]+)\./.exec(k)?.[1] ?? []))].map(
      (ruleId) => {
        const e = Object.fromEntries(EFFECT_KEYS.map((k) => [k, v(`rule.${ruleId}.${k}`)])) as Record<
          (typeof EFFECT_KEYS)[number],
          number
        >;
        const stopped = e.rejected + e.frozen;
        return {
          ruleId,
          ...e,
          falsePositiveRate: e.approved + stopped ? e.approved / (e.approved + stopped) : null,
        };
      },
    ),
    digest: [],
  };
}
