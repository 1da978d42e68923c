import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export type AlertLevel = "P1" | "P2" | "P3";
export type HitStatus = "open" | "decided" | "expired";
/** approved = released (the rule was wrong: a false positive); rejected/frozen = stopped. */
export type HitOutcome = "approved" | "rejected" | "frozen" | "expired" | "noted";

/**
 * The state of one anomaly rule (SPEC §2.6): on/off, its response level and its parameters.
 * What a rule checks lives in code (src/alerts/catalog.ts); the row holds what people tune.
 */
export const alertRules = sqliteTable("alert_rules", {
  id: text("id").primaryKey(),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  level: text("level").$type<AlertLevel>().notNull(),
  params: text("params", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by"),
});

/**
 * One rule hit on one order. Hits of the same rule and key (a phone, an address) within the
 * rule's window join the first open one (`group_id`), so a burst is one decision, not a flood.
 */
export const alertHits = sqliteTable(
  "alert_hits",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ruleId: text("rule_id").notNull(),
    orderNo: text("order_no"),
    /** What the hit is about beyond the order: a phone, an address, a buyer. */
    groupKey: text("group_key").notNull(),
    /** The first open hit of the same rule and key; null for a group's first hit. */
    groupId: integer("group_id"),
    level: text("level").$type<AlertLevel>().notNull(),
    /** What the rule did at once: hold, lock, freeze, notify. */
    action: text("action").notNull(),
    score: integer("score"),
    /** The order's paid amount in cents when the rule fired (what is at stake). */
    amount: integer("amount").notNull().default(0),
    message: text("message").notNull(),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    status: text("status").$type<HitStatus>().notNull(),
    outcome: text("outcome").$type<HitOutcome>(),
    decidedBy: text("decided_by"),
    decidedAt: integer("decided_at"),
    /** How far up the escalation chain the hit has gone (0 = first audience). */
    escalation: integer("escalation").notNull().default(0),
    nextEscalationAt: integer("next_escalation_at"),
    /** When people were told; null while silenced, rate-limited or waiting for the digest. */
    notifiedAt: integer("notified_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("alert_hits_rule_idx").on(t.ruleId, t.createdAt),
    // The open first hit of a rule and key: what a new hit joins. Partial, so a big group's
    // followers never stand between the look-up and its answer.
    index("alert_hits_lead_idx")
      .on(t.ruleId, t.groupKey, t.id)
      .where(sql`${t.groupId} IS NULL AND ${t.status} = 'open'`),
    index("alert_hits_order_idx").on(t.orderNo),
    index("alert_hits_status_idx").on(t.status, t.nextEscalationAt),
  ],
);

/** `告警 静默 <rule> 2h`: hits still count and act, people are not told until it ends. */
export const alertSilences = sqliteTable(
  "alert_silences",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ruleId: text("rule_id").notNull(),
    until: integer("until").notNull(),
    reason: text("reason"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("alert_silences_rule_idx").on(t.ruleId, t.until)],
);
