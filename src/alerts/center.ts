import { and, asc, eq, gt, gte, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Reader, Tx } from "../db/client.ts";
import { type AlertLevel, alertHits, alertSilences } from "../db/schema/index.ts";
import type { Writer } from "../db/writer.ts";
import type { EscalationStep } from "../env.ts";
import type { Logger } from "../shared/logger.ts";
import type { Audience, Notice, NoticeAction, Notifier } from "../shared/notifier.ts";
import { ACTION_LABELS, type RuleAction, type RuleDef, ruleById, type ScorePart } from "./catalog.ts";
import type { AlertContext } from "./evaluate.ts";
import type { RecordedHit } from "./record-hit.ts";
import { createRuleCache, type RuleCache } from "./rule-state.ts";

const HOUR = 3_600_000;

export const DECISIONS = {
  release: { text: "放行", style: "primary", outcome: "approved" },
  block: { text: "拦截", style: "danger", outcome: "rejected" },
  freeze: { text: "冻结客户", style: "danger", outcome: "frozen" },
} as const;
export type Decision = keyof typeof DECISIONS;

/** The three buttons of a decision card; the payload names the group's first hit. */
export function decisionActions(hitId: number): NoticeAction[] {
  return (Object.keys(DECISIONS) as Decision[]).map((d) => ({
    text: DECISIONS[d].text,
    style: DECISIONS[d].style,
    action: { id: "alert.decide", payload: `${hitId}~${d}` },
  }));
}

const idList = (ids: number[]) => `#${ids.slice(0, 10).join("、#")}${ids.length > 10 ? " …" : ""}`;
const yuan = (cents: number) => `¥${(cents / 100).toFixed(2)}`;

/** The lines a hit shows people: what fired, the score's parts, what was done, the group's size. */
export function hitLines(h: {
  id: number;
  message: string;
  action: string;
  amount: number;
  score: number | null;
  details: Record<string, unknown>;
  groupSize?: number;
}): string[] {
  const lines = [h.message];
  const parts = h.details.parts as ScorePart[] | undefined;
  if (h.score !== null && parts?.length)
    lines.push(`风险分 ${h.score} = ${parts.map((p) => `${p.part}(${p.value})${p.points}`).join(" + ")}`);
  lines.push(`已执行:${ACTION_LABELS[h.action as RuleAction] ?? h.action} · 涉及金额 ${yuan(h.amount)}`);
  if (h.groupSize && h.groupSize > 1) lines.push(`同组共 ${h.groupSize} 单,一次决定全部`);
  lines.push(`告警 #${h.id} · 发送「告警 ${h.id}」看详情`);
  return lines;
}

/** The notice title; the notifiers put the level in front (【P1】). */
export function hitTitle(rule: RuleDef, orderNo: string | null): string {
  return `${rule.name}${orderNo ? ` · 订单 ${orderNo}` : ""}`;
}

type HitRow = typeof alertHits.$inferSelect;

function hitNotice(
  rule: RuleDef,
  h: HitRow,
  to: Audience,
  extra: { groupSize: number; step?: number },
): Notice {
  const lines = hitLines({ ...h, groupSize: extra.groupSize });
  if (extra.step) lines.unshift(`⏫ 已升级(第 ${extra.step + 1} 级):上一级在时限内未处理`);
  return {
    to,
    severity: h.level,
    subject: h.orderNo ?? undefined,
    title: hitTitle(rule, h.orderNo),
    text: lines.join("\n"),
    actions: rule.decisions ? decisionActions(h.id) : undefined,
  };
}

/** Active silences by rule: until when each rule is muted. */
export async function activeSilences(db: Reader, now: number): Promise<Map<string, number>> {
  const rows = await db
    .select({ ruleId: alertSilences.ruleId, until: sql<number>`max(${alertSilences.until})` })
    .from(alertSilences)
    .where(gt(alertSilences.until, now))
    .groupBy(alertSilences.ruleId);
  return new Map(rows.map((r) => [r.ruleId, Number(r.until)]));
}

export async function silenceRule(
  tx: Tx,
  input: { ruleId: string; forMs: number; reason: string | null; by: string; now: number },
): Promise<number> {
  const until = input.now + input.forMs;
  await tx.insert(alertSilences).values({
    ruleId: input.ruleId,
    until,
    reason: input.reason,
    createdBy: input.by,
    createdAt: input.now,
  });
  return until;
}

/** Ends a rule's silences now; returns how many were active. */
export async function unsilenceRule(tx: Tx, input: { ruleId: string; now: number }): Promise<number> {
  const r = await tx
    .update(alertSilences)
    .set({ until: input.now })
    .where(and(eq(alertSilences.ruleId, input.ruleId), gt(alertSilences.until, input.now)));
  return r.rowsAffected;
}

async function groupSizes(db: Reader, leadIds: number[]): Promise<Map<number, number>> {
  if (!leadIds.length) return new Map();
  const rows = await db
    .select({ lead: sql<number>`coalesce(${alertHits.groupId}, ${alertHits.id})`, n: sql<number>`count(*)` })
    .from(alertHits)
    .where(or(inArray(alertHits.id, leadIds), inArray(alertHits.groupId, leadIds)))
    .groupBy(sql`1`);
  return new Map(rows.map((r) => [Number(r.lead), Number(r.n)]));
}

export interface AlertCenterOptions {
  db: Reader;
  writer: Writer;
  notifier: Notifier;
  logger: Logger;
  now: () => number;
  chain: EscalationStep[];
  expireMs: number;
  maxPerHour: number;
}

/**
 * Routes hits to people (SPEC §2.6 levels): P1 a decision card to the chain's first audience now
 * and up the chain while nobody decides, P2 a message to the rule's audiences, P3 only the daily
 * digest. Silenced rules and notices over the hourly limit wait; the minute job folds the latter
 * into one summary.
 */
export function createAlertCenter(o: AlertCenterOptions) {
  const rules: RuleCache = createRuleCache();
  const context: AlertContext = { rules, escalateAfterMs: o.chain.length > 1 ? o.chain[0]!.waitMs : null };

  async function audiencesFor(rule: RuleDef, level: AlertLevel): Promise<Audience[]> {
    if (level === "P3") return [];
    return level === "P1" ? [o.chain[0]!.audience] : rule.audiences;
  }

  async function notifiedLastHour(ruleId: string, now: number): Promise<number> {
    const [r] = await o.db
      .select({ n: sql<number>`count(*)` })
      .from(alertHits)
      .where(and(eq(alertHits.ruleId, ruleId), gte(alertHits.notifiedAt, now - HOUR)));
    return Number(r?.n ?? 0);
  }

  /** Sends what the hits of one processed batch call for; never throws (runs after commit). */
  async function dispatch(hits: RecordedHit[]): Promise<void> {
    try {
      const now = o.now();
      const wanted = hits.filter((h) => h.groupId === null || h.upgraded);
      if (!wanted.length) return;
      const silences = await activeSilences(o.db, now);
      const leadIds = wanted.map((h) => h.groupId ?? h.id);
      const rows = await o.db.select().from(alertHits).where(inArray(alertHits.id, leadIds));
      const sizes = await groupSizes(o.db, leadIds);
      const sent: number[] = [];
      for (const h of rows) {
        if (h.status !== "open" || silences.has(h.ruleId)) continue;
        const rule = ruleById(h.ruleId);
        const to = await audiencesFor(rule, h.level);
        if (!to.length) continue;
        if ((await notifiedLastHour(h.ruleId, now)) + sent.length >= o.maxPerHour) continue;
        for (const a of to)
          await o.notifier.send(
            hitNotice(rule, h, a, { groupSize: sizes.get(h.id) ?? 1, step: h.escalation }),
          );
        sent.push(h.id);
      }
      if (sent.length)
        await o.writer.run((tx) =>
          tx.update(alertHits).set({ notifiedAt: now }).where(inArray(alertHits.id, sent)),
        );
    } catch (e) {
      o.logger.error({ err: e }, "alert dispatch failed");
    }
  }

  /**
   * The minute job: escalates P1 decisions nobody took in time, closes hits left undecided past
   * ALERT_EXPIRE (their orders stay held), and sums up hits the hourly limit kept back.
   */
  async function tick(now: number): Promise<{ escalated: number; expired: number; summarised: number }> {
    const silences = await activeSilences(o.db, now);
    const summarised = await summariseHeldBack(now, silences);
    const escalated = await escalateDue(now, silences);
    const expired = await o.writer.run(async (tx) => {
      const r = await tx
        .update(alertHits)
        .set({
          status: "expired",
          outcome: "expired",
          decidedAt: now,
          decidedBy: "system",
          nextEscalationAt: null,
        })
        .where(and(eq(alertHits.status, "open"), lte(alertHits.createdAt, now - o.expireMs)));
      return r.rowsAffected;
    });
    return { escalated, expired, summarised };
  }

  /** Hits the hourly limit held back (not silenced, not P3): one summary per rule. */
  async function summariseHeldBack(now: number, silences: Map<string, number>): Promise<number> {
    const held = await o.db
      .select({
        ruleId: alertHits.ruleId,
        ids: sql<string>`group_concat(${alertHits.id})`,
        level: sql<AlertLevel>`min(${alertHits.level})`,
      })
      .from(alertHits)
      .where(
        and(
          eq(alertHits.status, "open"),
          isNull(alertHits.notifiedAt),
          isNull(alertHits.groupId),
          inArray(alertHits.level, ["P1", "P2"]),
          lte(alertHits.createdAt, now - 60_000),
        ),
      )
      .groupBy(alertHits.ruleId);
    let summarised = 0;
    for (const g of held) {
      if (silences.has(g.ruleId)) continue;
      const rule = ruleById(g.ruleId);
      if ((await notifiedLastHour(g.ruleId, now)) >= o.maxPerHour) continue;
      const ids = g.ids.split(",").map(Number);
      for (const to of await audiencesFor(rule, g.level))
        await o.notifier.send({
          to,
          severity: g.level,
          title: `【${rule.name}】另有 ${ids.length} 条告警未单独通知`,
          text: `规则「${rule.name}」有 ${ids.length} 条命中未单独通知(静默期间,或超出每小时 ${o.maxPerHour} 条的上限):${idList(ids)}。发送「告警 open」逐条处理。`,
        });
      await o.writer.run((tx) =>
        tx.update(alertHits).set({ notifiedAt: now }).where(inArray(alertHits.id, ids)),
      );
      summarised += ids.length;
    }
    return summarised;
  }

  /**
   * P1 decisions nobody took within their step's wait move up one step. Each gets its card at
   * the next audience while the rule is under its hourly limit; beyond it, one summary per rule
   * and audience. A silenced rule's next step waits for the silence to end.
   */
  async function escalateDue(now: number, silences: Map<string, number>): Promise<number> {
    const due = await o.db
      .select()
      .from(alertHits)
      .where(and(eq(alertHits.status, "open"), lte(alertHits.nextEscalationAt, now)))
      .orderBy(asc(alertHits.nextEscalationAt))
      .limit(500);
    const sizes = await groupSizes(
      o.db,
      due.map((d) => d.id),
    );
    const budget = new Map<string, number>();
    const folded = new Map<string, { rule: RuleDef; to: Audience; ids: number[] }>();
    const cards: { id: number; notice: Notice }[] = [];
    let escalated = 0;
    for (const h of due) {
      const until = silences.get(h.ruleId);
      const step = h.escalation + 1;
      const next = o.chain[step];
      const moved = await o.writer.run(async (tx) => {
        const r = await tx
          .update(alertHits)
          .set(
            until
              ? { nextEscalationAt: until }
              : { escalation: step, nextEscalationAt: next?.waitMs ? now + next.waitMs : null },
          )
          .where(
            and(eq(alertHits.id, h.id), eq(alertHits.status, "open"), eq(alertHits.escalation, h.escalation)),
          );
        return r.rowsAffected === 1;
      });
      if (!moved || until || !next) continue;
      escalated++;
      const rule = ruleById(h.ruleId);
      if (!budget.has(h.ruleId)) budget.set(h.ruleId, o.maxPerHour - (await notifiedLastHour(h.ruleId, now)));
      const left = budget.get(h.ruleId)!;
      if (left > 0) {
        budget.set(h.ruleId, left - 1);
        cards.push({
          id: h.id,
          notice: hitNotice(rule, { ...h, escalation: step }, next.audience, {
            groupSize: sizes.get(h.id) ?? 1,
            step,
          }),
        });
      } else {
        const key = `${h.ruleId}|${next.audience}`;
        const f = folded.get(key) ?? { rule, to: next.audience, ids: [] };
        f.ids.push(h.id);
        folded.set(key, f);
      }
    }
    for (const c of cards) await o.notifier.send(c.notice);
    for (const f of folded.values())
      await o.notifier.send({
        to: f.to,
        severity: "P1",
        title: `【${f.rule.name}】${f.ids.length} 条告警升级到你,未逐条发卡片`,
        text: `规则「${f.rule.name}」有 ${f.ids.length} 条告警在时限内无人处理,已升级(超出每小时 ${o.maxPerHour} 条的通知上限):${idList(f.ids)}。发送「告警 <编号>」逐条处理。`,
      });
    const sentIds = [...cards.map((c) => c.id), ...[...folded.values()].flatMap((f) => f.ids)];
    if (sentIds.length)
      await o.writer.run((tx) =>
        tx.update(alertHits).set({ notifiedAt: now }).where(inArray(alertHits.id, sentIds)),
      );
    return escalated;
  }

  return { rules, context, chain: o.chain, dispatch, tick };
}

export type AlertCenter = ReturnType<typeof createAlertCenter>;
