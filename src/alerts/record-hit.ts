import { and, eq, sql } from "drizzle-orm";
import { freezeBuyer } from "../aftersales/freeze.ts";
import type { Tx } from "../db/client.ts";
import { type AlertLevel, alertHits, orders } from "../db/schema/index.ts";
import type { Finding, RuleAction, RuleDef } from "./catalog.ts";

/** Order flags an alert sets; a person's decision (or 查单's buttons) clears them. */
export const ALERT_ATTENTION: Record<Exclude<RuleAction, "notify">, string> = {
  hold: "held_alert",
  freeze: "held_alert",
  lock: "locked_alert",
};
export const ALERT_ATTENTIONS: readonly string[] = ["held_alert", "locked_alert"];

/** A stored hit, as the dispatcher needs it after the transaction commits. */
export interface RecordedHit {
  id: number;
  ruleId: string;
  orderNo: string | null;
  level: AlertLevel;
  action: RuleAction;
  message: string;
  amount: number;
  score: number | null;
  /** The group's first hit; null when this hit is the first. */
  groupId: number | null;
  /** A follower that raised its group's action (a burst that crossed the freeze line). */
  upgraded: boolean;
}

const RANK: Record<RuleAction, number> = { notify: 0, lock: 1, hold: 1, freeze: 2 };

/**
 * Stores a rule's finding and does what the rule does at once: holds or locks the order, or
 * freezes the customer. A finding whose rule and key already have an open hit within the rule's
 * window joins that group instead of opening a new decision.
 */
export async function recordHit(
  tx: Tx,
  input: {
    rule: RuleDef;
    level: AlertLevel;
    orderNo: string | null;
    amount: number;
    finding: Finding;
    now: number;
    /** When the first escalation step runs out (P1 with decisions); null = never. */
    escalateAfterMs: number | null;
  },
): Promise<RecordedHit> {
  const { rule, finding, now } = input;
  const action = finding.action ?? rule.action;
  // One statement: the group's first open hit (if the rule groups) is looked up by the insert.
  const leadQuery = rule.groupWindowMs
    ? sql`(SELECT CASE WHEN created_at >= ${now - rule.groupWindowMs} THEN id END FROM (
        SELECT id, created_at FROM alert_hits INDEXED BY alert_hits_lead_idx
        WHERE rule_id = ${rule.id} AND group_key = ${finding.key} AND group_id IS NULL AND status = 'open'
        ORDER BY id DESC LIMIT 1))`
    : sql`NULL`;
  const escalateAt =
    input.level === "P1" && rule.decisions && input.escalateAfterMs !== null
      ? now + input.escalateAfterMs
      : null;
  const [row] = await tx.all<{ id: number; group_id: number | null }>(sql`
    INSERT INTO alert_hits (rule_id, order_no, group_key, group_id, level, action, score, amount, message, details,
      status, escalation, next_escalation_at, created_at)
    SELECT ${rule.id}, ${input.orderNo}, ${finding.key}, g.id, ${input.level}, ${action}, ${finding.score ?? null},
      ${input.amount}, ${finding.message}, ${JSON.stringify(finding.details)}, 'open', 0,
      CASE WHEN g.id IS NULL THEN ${escalateAt} END, ${now}
    FROM (SELECT ${leadQuery} AS id) g
    RETURNING id, group_id`);
  const leadId = row!.group_id;
  const lead =
    leadId !== null && RANK[action] > 0
      ? (
          await tx
            .select({ id: alertHits.id, action: alertHits.action })
            .from(alertHits)
            .where(eq(alertHits.id, leadId))
        )[0]
      : leadId !== null
        ? { id: leadId, action: "notify" }
        : undefined;
  const upgraded = Boolean(lead && RANK[action] > RANK[lead.action as RuleAction]);
  await act(tx, action, input.orderNo, finding, rule, now);
  if (lead && upgraded) {
    // The group now stands for the stronger finding, and every order in it gets its hold.
    await tx
      .update(alertHits)
      .set({ action, score: finding.score ?? null, message: finding.message, details: finding.details })
      .where(eq(alertHits.id, lead.id));
    if (action !== "notify")
      await tx.run(sql`
        UPDATE orders SET attention = ${ALERT_ATTENTION[action]}, updated_at = ${now}
         WHERE attention IS NULL AND order_no IN (
           SELECT order_no FROM alert_hits WHERE (id = ${lead.id} OR group_id = ${lead.id}) AND status = 'open')`);
  }
  return {
    id: row!.id,
    ruleId: rule.id,
    orderNo: input.orderNo,
    level: input.level,
    action,
    message: finding.message,
    amount: input.amount,
    score: finding.score ?? null,
    groupId: lead?.id ?? null,
    upgraded,
  };
}

async function act(
  tx: Tx,
  action: RuleAction,
  orderNo: string | null,
  f: Finding,
  rule: RuleDef,
  now: number,
) {
  if (action === "notify" || !orderNo) return;
  if (action === "freeze") {
    const [o] = await tx
      .select({ phone: orders.buyerPhone, buyerId: orders.buyerId })
      .from(orders)
      .where(eq(orders.orderNo, orderNo));
    const key = o?.phone ?? o?.buyerId;
    if (key)
      await freezeBuyer(tx, { key, reason: `告警「${rule.name}」:${f.message}`, by: `rule:${rule.id}`, now });
  }
  // An order already flagged for something else keeps that flag; the hit still waits for a decision.
  await tx
    .update(orders)
    .set({ attention: ALERT_ATTENTION[action], updatedAt: now })
    .where(and(eq(orders.orderNo, orderNo), sql`${orders.attention} IS NULL`));
}
