import { and, desc, eq, gte, isNull, lt, sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";
import { alertHits } from "../db/schema/index.ts";

/** What a rule did over a period: how often it fired, what people decided, the money at stake. */
export interface RuleEffect {
  hits: number;
  /** Decisions asked for (a group counts once). */
  groups: number;
  decided: number;
  undecided: number;
  approved: number;
  rejected: number;
  frozen: number;
  expired: number;
  /** Released ÷ decided (released + stopped + frozen); null before any decision. */
  falsePositiveRate: number | null;
  /** Paid amount of the orders the rule held or locked, in cents. */
  amountHeld: number;
  /** Paid amount of the orders people stopped (拦截 or 冻结客户), in cents. */
  amountStopped: number;
}

const EMPTY: RuleEffect = {
  hits: 0,
  groups: 0,
  decided: 0,
  undecided: 0,
  approved: 0,
  rejected: 0,
  frozen: 0,
  expired: 0,
  falsePositiveRate: null,
  amountHeld: 0,
  amountStopped: 0,
};

/** Effect per rule of the hits created in [from, to); rules without hits are absent. */
export async function ruleEffects(
  db: Reader,
  range: { from: number; to: number },
): Promise<Map<string, RuleEffect>> {
  const rows = await db
    .select({
      ruleId: alertHits.ruleId,
      hits: sql<number>`count(*)`,
      groups: sql<number>`sum(${alertHits.groupId} IS NULL)`,
      decided: sql<number>`sum(${alertHits.groupId} IS NULL AND ${alertHits.status} = 'decided')`,
      undecided: sql<number>`sum(${alertHits.groupId} IS NULL AND ${alertHits.status} = 'open')`,
      approved: sql<number>`sum(${alertHits.outcome} = 'approved')`,
      rejected: sql<number>`sum(${alertHits.outcome} = 'rejected')`,
      frozen: sql<number>`sum(${alertHits.outcome} = 'frozen')`,
      expired: sql<number>`sum(${alertHits.outcome} = 'expired')`,
      amountHeld: sql<number>`sum(CASE WHEN ${alertHits.action} <> 'notify' THEN ${alertHits.amount} ELSE 0 END)`,
      amountStopped: sql<number>`sum(CASE WHEN ${alertHits.outcome} IN ('rejected', 'frozen') THEN ${alertHits.amount} ELSE 0 END)`,
    })
    .from(alertHits)
    .where(and(gte(alertHits.createdAt, range.from), lt(alertHits.createdAt, range.to)))
    .groupBy(alertHits.ruleId);
  const out = new Map<string, RuleEffect>();
  for (const r of rows) {
    const n = (v: unknown) => Number(v ?? 0);
    const approved = n(r.approved);
    const stopped = n(r.rejected) + n(r.frozen);
    out.set(r.ruleId, {
      hits: n(r.hits),
      groups: n(r.groups),
      decided: n(r.decided),
      undecided: n(r.undecided),
      approved,
      rejected: n(r.rejected),
      frozen: n(r.frozen),
      expired: n(r.expired),
      falsePositiveRate: approved + stopped > 0 ? approved / (approved + stopped) : null,
      amountHeld: n(r.amountHeld),
      amountStopped: n(r.amountStopped),
    });
  }
  return out;
}

export function effectOf(map: Map<string, RuleEffect>, ruleId: string): RuleEffect {
  return map.get(ruleId) ?? EMPTY;
}

export type HitRow = typeof alertHits.$inferSelect;

/** Hits for `告警` and the API: open group leads by default, newest first. */
export async function listHits(
  db: Reader,
  input: { status?: "open" | "all"; ruleId?: string; limit?: number },
): Promise<HitRow[]> {
  const conds = [];
  if ((input.status ?? "open") === "open")
    conds.push(eq(alertHits.status, "open"), isNull(alertHits.groupId));
  if (input.ruleId) conds.push(eq(alertHits.ruleId, input.ruleId));
  return db
    .select()
    .from(alertHits)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(alertHits.id))
    .limit(Math.min(Math.max(input.limit ?? 20, 1), 500));
}

/** One hit with the rest of its group. */
export async function getHit(db: Reader, id: number): Promise<{ hit: HitRow; group: HitRow[] } | null> {
  const [hit] = await db.select().from(alertHits).where(eq(alertHits.id, id));
  if (!hit) return null;
  const leadId = hit.groupId ?? hit.id;
  const group = await db
    .select()
    .from(alertHits)
    .where(sql`${alertHits.id} = ${leadId} OR ${alertHits.groupId} = ${leadId}`)
    .orderBy(alertHits.id);
  return { hit, group };
}
