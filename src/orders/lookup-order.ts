import { sql } from "drizzle-orm";
import { ANCHOR_LABELS } from "../anchors/anchor.ts";
import type { Reader } from "../db/client.ts";
import type { HotReader } from "../db/hot-reader.ts";
import { AppError } from "../errors.ts";

/** What a chat look-up shows of an order, read in one statement (the p99 ≤ 2 ms path). */
export interface OrderSummary {
  orderNo: string;
  channel: string;
  anchor: string;
  anchorRuleId: string | null;
  anchorChangedAt: number | null;
  buyerPhone: string | null;
  orderAmount: number | null;
  shippingFee: number | null;
  discountTotal: number | null;
  actualPaid: number | null;
  createdAt: number;
  paidAt: number | null;
  attention: string | null;
  address: {
    name: string | null;
    phone: string | null;
    province: string | null;
    city: string | null;
    district: string | null;
    detail: string | null;
  } | null;
  lines: { sku: string; name: string | null; qty: number; unitPrice: number; amount: number | null }[];
  shipments: {
    waybillNo: string;
    carrier: string | null;
    state: string | null;
    lastNodeText: string | null;
    lastNodeAt: number | null;
    lastNodeArea: string | null;
    pickedUpAt: number | null;
    signedAt: number | null;
  }[];
  /** Newest first. */
  events: {
    source: string;
    kind: string;
    rawStatus: string | null;
    eventTime: number;
    anchorBefore: string | null;
    anchorAfter: string | null;
    rules: string[];
    flag: string | null;
  }[];
  alerts: {
    id: number;
    kind: string;
    severity: string;
    message: string;
    status: string;
    createdAt: number;
  }[];
  /** Newest first, at most 3. */
  aftersales: { id: number; kind: string; status: string }[];
  packingMedia: string | null;
}

/** `case o.status_anchor when 'paid' then '已付款' … end`: the stage label the knowledge base is keyed by. */
const LABEL_CASE = sql.raw(
  `case o.status_anchor ${Object.entries(ANCHOR_LABELS)
    .map(([a, l]) => `when '${a}' then '${l}'`)
    .join(" ")} else o.status_anchor end`,
);

/**
 * Resolves what was typed (order no, else waybill no, else buyer phone — newest first) and reads
 * the summary of the first match, the other matches and the stage's standard reply: one statement,
 * so a chat look-up is one round trip to the database.
 */
const SUMMARY = (query: unknown, phone: unknown, events: number, others: number) => sql`
  with hits as (
    select 1 as k, order_no, 0 as at from orders where order_no = ${query}
    union all select 2, order_no, 0 from shipments where waybill_no = ${query}
    union all select * from (select 3, order_no, created_at from orders where buyer_phone = ${phone}
      order by created_at desc limit ${others + 1})
  ),
  best as (select order_no, k, at from hits where k = (select min(k) from hits))
  select (select k from best limit 1) as match_kind,
    (select json_group_array(order_no) from (select order_no from best order by at desc)) as matches,
    (select reply from kb_entries where keyword = ${LABEL_CASE}) as kb_reply,
    o.order_no, o.channel, o.status_anchor, o.anchor_rule_id, o.anchor_changed_at, o.buyer_phone,
    o.order_amount, o.shipping_fee, o.discount_total, o.actual_paid, o.created_at, o.paid_at, o.attention,
    (select json_object('name', a.name, 'phone', a.phone, 'province', a.province, 'city', a.city,
        'district', a.district, 'detail', a.detail) from addresses a where a.order_no = o.order_no) as address,
    (select json_group_array(json_object('sku', l.sku, 'name', l.name, 'qty', l.qty,
        'unitPrice', l.unit_price, 'amount', l.amount)) from
        (select * from order_lines where order_no = o.order_no order by line_no) l) as lines,
    (select json_group_array(json_object('waybillNo', s.waybill_no, 'carrier', s.carrier, 'state', s.state,
        'lastNodeText', s.last_node_text, 'lastNodeAt', s.last_node_at, 'lastNodeArea', s.last_node_area,
        'pickedUpAt', s.picked_up_at, 'signedAt', s.signed_at)) from shipments s where s.order_no = o.order_no) as shipments,
    (select json_group_array(json_object('source', e.source, 'kind', e.kind, 'rawStatus', e.raw_status,
        'eventTime', e.event_time, 'anchorBefore', e.anchor_before, 'anchorAfter', e.anchor_after,
        'rules', json(e.effects), 'flag', e.flag)) from
        (select * from order_events where order_no = o.order_no order by event_time desc, id desc limit ${events}) e) as events,
    (select json_group_array(json_object('id', al.id, 'kind', al.kind, 'severity', al.severity,
        'message', al.message, 'status', al.status, 'createdAt', al.created_at)) from
        (select * from (
           select id, kind, severity, message, status, created_at from alerts where order_no = o.order_no
           union all
           select id, 'rule:' || rule_id, level, message, status, created_at from alert_hits where order_no = o.order_no)
         order by created_at desc, id desc limit 5) al) as alerts,
    (select json_group_array(json_object('id', c.id, 'kind', c.kind, 'status', c.status)) from
        (select * from aftersale_cases where order_no = o.order_no order by id desc limit 3) c) as aftersales,
    (select json_extract(ss.fields, '$.packing_media') from source_statuses ss
        where ss.order_no = o.order_no and ss.source = 'wms') as packing_media
  from orders o where o.order_no = (select order_no from best order by at desc limit 1)`;

type Row = Record<string, unknown>;
const json = <T>(v: unknown, fallback: T): T => (typeof v === "string" ? (JSON.parse(v) as T) : fallback);
const num = (v: unknown) => (v == null ? null : Number(v));

export type LookupKind = "order_no" | "waybill_no" | "phone";
const EVENTS = 5;
const OTHERS = 9;

/** The summary statement compiled once per hot reader. */
const compiled = new WeakMap<HotReader, (values: Record<string, unknown>) => Row[]>();
function hotSummary(hot: HotReader) {
  let run = compiled.get(hot);
  if (!run) {
    run = hot.prepare(() => SUMMARY(sql.placeholder("q"), sql.placeholder("phone"), EVENTS, OTHERS));
    compiled.set(hot, run);
  }
  return run;
}

const KINDS: Record<number, LookupKind> = { 1: "order_no", 2: "waybill_no", 3: "phone" };

/** Digits of a phone as people type it (+86 138-0000-0000), or "" when it cannot be one. */
function phoneOf(q: string): string {
  return /^\+?\d[\d\s-]{5,}$/.test(q) ? q.replace(/\D/g, "").replace(/^86(?=1\d{10}$)/, "") : "";
}

/**
 * The chat look-up: what was typed → the order's summary, how it matched, the other orders that
 * matched (a phone's older orders) and the standard reply for its stage. not_found otherwise.
 */
export async function lookupOrder(args: {
  db: Reader;
  /** Prepared-statement reads on the embedded file, when there is one. */
  hot?: HotReader | null;
  /** An order no, a waybill no or a buyer phone. */
  query: string;
  events?: number;
}): Promise<{ order: OrderSummary; kind: LookupKind; others: string[]; kbReply: string | null }> {
  const q = args.query.trim();
  if (!q) throw new AppError("bad_request", "请给出订单号、手机号或运单号");
  const events = args.events ?? EVENTS;
  const [row] =
    args.hot && events === EVENTS
      ? hotSummary(args.hot)({ q, phone: phoneOf(q) })
      : await args.db.all<Row>(SUMMARY(q, phoneOf(q), events, OTHERS));
  if (!row) throw new AppError("not_found", `订单号、运单号或手机号「${q}」`);
  const matches = json<string[]>(row.matches, []);
  return {
    order: toSummary(row),
    kind: KINDS[Number(row.match_kind)] ?? "order_no",
    others: matches.filter((m) => m !== row.order_no),
    kbReply: (row.kb_reply as string | null) ?? null,
  };
}

function toSummary(row: Row): OrderSummary {
  type RawEvent = Omit<OrderSummary["events"][number], "rules"> & { rules: { ruleId: string }[] | null };
  const events = json<RawEvent[]>(row.events, []);
  return {
    orderNo: String(row.order_no),
    channel: String(row.channel),
    anchor: String(row.status_anchor),
    anchorRuleId: (row.anchor_rule_id as string | null) ?? null,
    anchorChangedAt: num(row.anchor_changed_at),
    buyerPhone: (row.buyer_phone as string | null) ?? null,
    orderAmount: num(row.order_amount),
    shippingFee: num(row.shipping_fee),
    discountTotal: num(row.discount_total),
    actualPaid: num(row.actual_paid),
    createdAt: Number(row.created_at),
    paidAt: num(row.paid_at),
    attention: (row.attention as string | null) ?? null,
    address: json(row.address, null),
    lines: json(row.lines, []),
    shipments: json(row.shipments, []),
    events: events.map((e) => ({ ...e, rules: (e.rules ?? []).map((r) => r.ruleId) })),
    alerts: json(row.alerts, []),
    aftersales: json(row.aftersales, []),
    packingMedia: (row.packing_media as string | null) || null,
  };
}

/**
 * Which orders a look-up means: an order number, else a waybill number, else a buyer phone
 * (newest first). One statement of three indexed branches, so any kind costs one round trip.
 */
export async function findOrderNos(
  db: Reader,
  query: string,
  limit = 10,
): Promise<{ kind: LookupKind; orderNos: string[] }> {
  const q = query.trim();
  if (!q) throw new AppError("bad_request", "请给出订单号、手机号或运单号");
  const phone = phoneOf(q);
  const rows = await db.all<Row>(sql`
    select 1 as k, order_no from orders where order_no = ${q}
    union all select 2, order_no from shipments where waybill_no = ${q}
    union all select * from (select 3, order_no from orders where buyer_phone = ${phone}
      order by created_at desc limit ${limit})`);
  const best = Math.min(...rows.map((r) => Number(r.k)));
  const hits = rows.filter((r) => Number(r.k) === best).map((r) => String(r.order_no));
  if (hits.length === 0) throw new AppError("not_found", `订单号、运单号或手机号「${q}」`);
  const kind: LookupKind = best === 1 ? "order_no" : best === 2 ? "waybill_no" : "phone";
  return { kind, orderNos: hits };
}
