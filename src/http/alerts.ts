import { Hono } from "hono";
import { z } from "zod";
import {
  activeSilences,
  effectOf,
  getHit,
  type HitRow,
  listHits,
  loadRuleStates,
  type RuleState,
  ruleEffects,
  ruleNamed,
  setRuleEnabled,
  setRuleParams,
} from "../alerts/index.ts";
import { audit } from "../chat/audit.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import type { AppEnv } from "./middleware.ts";
import { jsonBody, parseQuery } from "./validate.ts";

const DAY = 86_400_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function hitView(h: HitRow) {
  return {
    id: h.id,
    rule: h.ruleId,
    order_no: h.orderNo,
    group_key: h.groupKey,
    group_id: h.groupId,
    level: h.level,
    action: h.action,
    score: h.score,
    amount: h.amount,
    message: h.message,
    details: h.details,
    status: h.status,
    outcome: h.outcome,
    decided_by: h.decidedBy,
    decided_at: iso(h.decidedAt),
    escalation: h.escalation,
    next_escalation_at: iso(h.nextEscalationAt),
    notified_at: iso(h.notifiedAt),
    created_at: iso(h.createdAt),
  };
}

function ruleView(s: RuleState, silencedUntil: number | undefined) {
  return {
    id: s.rule.id,
    name: s.rule.name,
    summary: s.rule.summary,
    trigger: s.rule.trigger,
    enabled: s.enabled,
    level: s.level,
    action: s.rule.action,
    audiences: s.rule.audiences,
    decisions: s.rule.decisions,
    params: s.params,
    param_specs: s.rule.params,
    silenced_until: iso(silencedUntil ?? null),
    updated_at: iso(s.updatedAt),
    updated_by: s.updatedBy,
  };
}

const ruleChange = z
  .object({
    enabled: z.boolean().optional(),
    level: z.enum(["P1", "P2", "P3"]).optional(),
    params: z.record(z.string(), z.union([z.number(), z.string(), z.array(z.string())])).optional(),
    by: z.string().min(1).max(64).optional(),
  })
  .strict();

/** /api/v1/alerts and /api/v1/rules: the same as 告警 and 规则 in chat. */
export function alertRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const { db } = deps;

  app.get("/alerts", async (c) => {
    const q = parseQuery(
      z.object({
        status: z.enum(["open", "all"]).default("open"),
        rule: z.string().min(1).max(64).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      c.req.query(),
    );
    const ruleId = q.rule ? ruleNamed(q.rule).id : undefined;
    return c.json({
      alerts: (await listHits(db, { status: q.status, ruleId, limit: q.limit })).map(hitView),
    });
  });

  app.get("/alerts/:id{[0-9]+}", async (c) => {
    const found = await getHit(db, Number(c.req.param("id")));
    if (!found) throw new AppError("not_found", `alert ${c.req.param("id")} does not exist`);
    return c.json({ alert: hitView(found.hit), group: found.group.map(hitView) });
  });

  app.get("/rules", async (c) => {
    const now = deps.clock.now();
    const [states, silences, week] = await Promise.all([
      loadRuleStates(db),
      activeSilences(db, now),
      ruleEffects(db, { from: now - 7 * DAY, to: now + 1 }),
    ]);
    return c.json({
      rules: states.map((s) => ({
        ...ruleView(s, silences.get(s.rule.id)),
        effect_7d: effectOf(week, s.rule.id),
      })),
    });
  });

  app.get("/rules/:id", async (c) => {
    const rule = ruleNamed(c.req.param("id"));
    const now = deps.clock.now();
    const s = (await loadRuleStates(db)).find((x) => x.rule.id === rule.id)!;
    const silences = await activeSilences(db, now);
    const week = await ruleEffects(db, { from: now - 7 * DAY, to: now + 1 });
    const all = await ruleEffects(db, { from: 0, to: now + 1 });
    return c.json({
      rule: {
        ...ruleView(s, silences.get(rule.id)),
        effect_7d: effectOf(week, rule.id),
        effect_all: effectOf(all, rule.id),
      },
    });
  });

  app.patch("/rules/:id", async (c) => {
    const rule = ruleNamed(c.req.param("id"));
    const body = await jsonBody(c, ruleChange);
    const by = `api:${body.by ?? "token"}`;
    const now = deps.clock.now();
    const assignments = [
      ...(body.level ? [`level=${body.level}`] : []),
      ...Object.entries(body.params ?? {}).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : v}`),
    ];
    if (body.enabled === undefined && assignments.length === 0)
      throw new AppError("bad_request", "nothing to change: send enabled, level or params");
    await deps.writer.run(async (tx) => {
      if (body.enabled !== undefined) await setRuleEnabled(tx, { rule, enabled: body.enabled, by, now });
      const changes = assignments.length
        ? (await setRuleParams(tx, { rule, assignments, by, now })).changes
        : [];
      await audit(tx, {
        at: now,
        platform: "api",
        userId: body.by ?? "token",
        role: null,
        action: "rule.update",
        subject: `rule:${rule.id}`,
        detail: { enabled: body.enabled, changes },
      });
    });
    deps.alerts.rules.invalidate();
    const s = (await loadRuleStates(db)).find((x) => x.rule.id === rule.id)!;
    return c.json({ rule: ruleView(s, (await activeSilences(db, now)).get(rule.id)) });
  });

  return app;
}
