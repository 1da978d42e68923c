import { sql } from "drizzle-orm";
import { mainRank } from "../anchors/anchor.ts";
import type { Tx } from "../db/client.ts";
import type { OrderFacts } from "./catalog.ts";
import { type RecordedHit, recordHit } from "./record-hit.ts";
import type { RuleCache, RuleState } from "./rule-state.ts";

/** What the order path needs of the alert centre. */
export interface AlertContext {
  rules: RuleCache;
  /** The first escalation step's wait for P1 hits; null when the chain has one step. */
  escalateAfterMs: number | null;
}

const SHIPPED = mainRank("shipped_at_warehouse");

/** Order rules look at intake: an order that left the warehouse or exited is past their point. */
function beforeShipping(anchor: string): boolean {
  const r = mainRank(anchor);
  return anchor === "" || (r >= 0 && r < SHIPPED);
}

type FactsRow = {
  order_no: string;
  channel: string;
  status_anchor: string;
  buyer_id: string | null;
  buyer_phone: string | null;
  actual_paid: number | null;
  order_amount: number | null;
  created_at: number;
  attention: string | null;
  province: string | null;
  city: string | null;
  district: string | null;
  detail: string | null;
  has_address: number | null;
  hit_rules: string | null;
  lines: string | null;
} & Record<string, unknown>;

/**
 * The order, its address and lines, the rules already hit, and every rule's inputs (correlated
 * subqueries on `o` and `a`), in one statement: one round trip per event.
 */
async function loadFacts(
  tx: Tx,
  orderNo: string,
  states: RuleState[],
): Promise<{ facts: OrderFacts; hitRules: Set<string>; row: FactsRow } | null> {
  const inputs = states.flatMap((s) =>
    Object.entries(s.rule.inputs?.(s.params) ?? {}).map(
      ([name, expr]) => sql`, ${expr} AS ${sql.identifier(`${s.rule.id}.${name}`)}`,
    ),
  );
  const [o] = await tx.all<FactsRow>(sql`
    SELECT o.order_no, o.channel, o.status_anchor, o.buyer_id, o.buyer_phone, o.actual_paid, o.order_amount,
           o.created_at, o.attention, a.province, a.city, a.district, a.detail, a.order_no IS NOT NULL AS has_address,
           (SELECT group_concat(h.rule_id) FROM alert_hits h WHERE h.order_no = o.order_no) AS hit_rules,
           (SELECT json_group_array(json_array(l.sku, l.qty, l.unit_price, l.amount, l.promo_tag))
              FROM order_lines l WHERE l.order_no = o.order_no) AS lines
           ${sql.join(inputs)}
    FROM orders o LEFT JOIN addresses a ON a.order_no = o.order_no
    WHERE o.order_no = ${orderNo}`);
  if (!o) return null;
  const lines = JSON.parse(o.lines ?? "[]") as [string, number, number, number | null, string | null][];
  return {
    row: o,
    hitRules: new Set(o.hit_rules ? o.hit_rules.split(",") : []),
    facts: {
      orderNo: o.order_no,
      channel: o.channel,
      anchor: o.status_anchor,
      buyerId: o.buyer_id,
      phone: o.buyer_phone,
      amount: o.actual_paid ?? o.order_amount ?? 0,
      createdAt: Number(o.created_at),
      attention: o.attention,
      address: o.has_address
        ? { province: o.province, city: o.city, district: o.district, detail: o.detail }
        : null,
      lines: lines.map(([sku, qty, unitPrice, amount, promoTag]) => ({
        sku,
        qty,
        unitPrice,
        amount,
        promoTag,
      })),
    },
  };
}

/** A rule's input values out of the facts row. */
function inputsOf(row: FactsRow, ruleId: string): Record<string, unknown> {
  const prefix = `${ruleId}.`;
  const out: Record<string, unknown> = {};
  for (const k in row) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = row[k];
  return out;
}

/**
 * Runs every enabled order rule on one order, inside the transaction that applied its event, so
 * a hold is in place before anyone can act on the order. A rule fires at most once per order.
 */
export async function evaluateOrderRules(
  tx: Tx,
  ctx: AlertContext,
  orderNo: string,
  now: number,
): Promise<RecordedHit[]> {
  const states = (await ctx.rules.get(tx, now)).filter((s) => s.enabled && s.rule.trigger === "order");
  if (states.length === 0) return [];
  const loaded = await loadFacts(tx, orderNo, states);
  if (!loaded || !beforeShipping(loaded.facts.anchor)) return [];
  const hits: RecordedHit[] = [];
  for (const s of states) {
    if (loaded.hitRules.has(s.rule.id) || !s.rule.check) continue;
    const finding = s.rule.check(loaded.facts, s.params, inputsOf(loaded.row, s.rule.id));
    if (!finding) continue;
    hits.push(
      await recordHit(tx, {
        rule: s.rule,
        level: s.level,
        orderNo,
        amount: loaded.facts.amount,
        finding,
        now,
        escalateAfterMs: ctx.escalateAfterMs,
      }),
    );
  }
  return hits;
}
