import { desc, eq } from "drizzle-orm";
import { type Card, newCardId } from "../bot/card.ts";
import { auditChat, type CommandDef, requireRole } from "../bot/command.ts";
import { shortTime, yuan } from "../bot/text.ts";
import { card, text } from "../bot/types.ts";
import {
  ACTION_LABELS,
  decisionActions,
  getHit,
  type HitRow,
  hitLines,
  hitTitle,
  listHits,
  loadRuleStates,
  OUTCOME_LABELS,
  ruleById,
  ruleNamed,
  silenceRule,
  unsilenceRule,
} from "../src/alerts/index.ts";
import { SUPERVISORS } from "../src/chat/roles.ts";
import { alerts as coreAlerts } from "../src/db/schema/index.ts";
import { AppError } from "../src/errors.ts";
import { parseDuration } from "../src/shared/duration.ts";

const MAX_SILENCE = 7 * 86_400_000;
const CN_UNITS: Record<string, string> = { 小时: "h", 时: "h", 分钟: "m", 分: "m", 天: "d", 秒: "s" };

/** "2h", "30m", "2小时", "半小时"→ ms; null if not a duration. */
export function parseSilence(arg: string): number | null {
  if (arg === "半小时") return 30 * 60_000;
  const m = /^(\d+(?:\.\d+)?)(小时|时|分钟|分|天|秒)$/.exec(arg);
  return parseDuration(m ? `${m[1]}${CN_UNITS[m[2]!]}` : arg);
}

function hitLine(h: HitRow, tz: string, chainAudience: (step: number) => string | undefined): string {
  const rule = ruleById(h.ruleId);
  const where = h.orderNo ? `订单 ${h.orderNo}` : h.groupKey;
  const state =
    h.status === "open"
      ? `待处理${h.escalation > 0 ? ` · 已升级至 ${chainAudience(h.escalation) ?? h.escalation}` : ""}`
      : `${OUTCOME_LABELS[h.outcome ?? ""] ?? h.status}${h.decidedBy ? `(${h.decidedBy})` : ""}`;
  return `#${h.id} ${h.level} ${rule.name} · ${where} · ${yuan(h.amount)} · ${ACTION_LABELS[h.action as keyof typeof ACTION_LABELS] ?? h.action} · ${shortTime(h.createdAt, tz)} · ${state}`;
}

/** 告警 / alerts — open anomaly hits, one hit as a decision card, silences. */
export const alerts: CommandDef = {
  name: "告警",
  aliases: ["alerts", "alert"],
  usage: ["告警 [open|all]", "告警 <编号>", "告警 静默 <规则> <时长,如 2h> [原因]", "告警 取消静默 <规则>"],
  summary: "异常预警:待处理告警、单条告警卡片(放行/拦截/冻结客户)、静默",
  async handle(ctx, { tokens }) {
    const { db, config } = ctx.deps;
    const tz = config.TZ_DISPLAY;
    const chain = ctx.deps.alerts.chain;
    const step = (i: number) => chain[i]?.audience;
    const [first = "open", ...rest] = tokens;
    const verb = first.toLowerCase();

    if (verb === "静默" || verb === "silence") {
      requireRole(ctx.user, SUPERVISORS, "静默告警");
      const rule = ruleNamed(rest[0]);
      const ms = rest[1] ? parseSilence(rest[1]) : null;
      if (!ms || ms <= 0 || ms > MAX_SILENCE)
        throw new AppError("bad_request", `请写静默时长(最长 7 天),如:告警 静默 ${rule.name} 2h`);
      const reason = rest.slice(2).join(" ") || null;
      const until = await ctx.deps.writer.run(async (tx) => {
        const u = await silenceRule(tx, {
          ruleId: rule.id,
          forMs: ms,
          reason,
          by: ctx.user.id,
          now: ctx.now,
        });
        await auditChat(tx, ctx, "alert.silence", `rule:${rule.id}`, { until: u, reason });
        return u;
      });
      return text(
        `规则「${rule.name}」已静默至 ${shortTime(until, tz)}:期间命中照常记录和执行(暂停/锁单),但不发通知、不升级;到时自动恢复。提前恢复:告警 取消静默 ${rule.name}`,
      );
    }
    if (verb === "取消静默" || verb === "unsilence") {
      requireRole(ctx.user, SUPERVISORS, "取消静默");
      const rule = ruleNamed(rest[0]);
      const n = await ctx.deps.writer.run(async (tx) => {
        const c = await unsilenceRule(tx, { ruleId: rule.id, now: ctx.now });
        if (c) await auditChat(tx, ctx, "alert.unsilence", `rule:${rule.id}`);
        return c;
      });
      return text(n ? `规则「${rule.name}」已恢复通知。` : `规则「${rule.name}」当前没有静默。`);
    }

    if (/^#?\d+$/.test(first)) {
      const found = await getHit(db, Number(first.replace("#", "")));
      if (!found)
        throw new AppError("not_found", `没有告警 #${first.replace("#", "")};发送「告警」看待处理的告警`);
      const lead = found.group.find((h) => h.groupId === null) ?? found.hit;
      const rule = ruleById(lead.ruleId);
      const state = (await loadRuleStates(db)).find((s) => s.rule.id === rule.id)!;
      const open = lead.status === "open";
      const c: Card = {
        id: newCardId("alert", String(lead.id), ctx.now),
        kind: "alert",
        subject: lead.orderNo ?? undefined,
        title: hitTitle(rule, lead.orderNo),
        subtitle: `${lead.level} · ${open ? "待处理" : (OUTCOME_LABELS[lead.outcome ?? ""] ?? lead.status)}`,
        fields: [
          { label: "规则", value: `${rule.name}(${state.enabled ? "开" : "已关闭"})` },
          { label: "时间", value: shortTime(lead.createdAt, tz) },
          ...(lead.decidedBy ? [{ label: "处理人", value: lead.decidedBy }] : []),
        ],
        lines: [
          ...hitLines({ ...lead, groupSize: found.group.length }),
          ...(found.group.length > 1
            ? [
                "同组订单:",
                ...found.group.map((h) => `  ${h.orderNo ?? h.groupKey} ${yuan(h.amount)} ${h.message}`),
              ]
            : []),
        ],
        buttons: open && rule.decisions && state.enabled ? decisionActions(lead.id) : [],
      };
      return card(c);
    }

    if (verb !== "open" && verb !== "all" && verb !== "全部" && verb !== "待处理")
      throw new AppError(
        "bad_request",
        `看不懂「${first}」。用法:告警、告警 all、告警 <编号>、告警 静默 <规则> 2h`,
      );
    const all = verb === "all" || verb === "全部";
    const hits = await listHits(db, { status: all ? "all" : "open", limit: 20 });
    // The core's own alerts (oversold, paid without stock, payment conflicts) are decided on the order.
    const core = await db
      .select({ orderNo: coreAlerts.orderNo, message: coreAlerts.message })
      .from(coreAlerts)
      .where(eq(coreAlerts.status, "open"))
      .orderBy(desc(coreAlerts.id))
      .limit(5);
    const coreLines = core.length
      ? [
          "系统告警(在订单卡片上处理):",
          ...core.map((a) => `- ${a.message}${a.orderNo ? ` · 查单 ${a.orderNo}` : ""}`),
        ]
      : [];
    if (hits.length === 0)
      return text([all ? "还没有任何规则告警。" : "没有待处理的规则告警。", ...coreLines].join("\n"));
    return text(
      [
        all ? "最近的告警:" : `待处理告警(${hits.length}${hits.length === 20 ? "+" : ""}):`,
        ...hits.map((h) => hitLine(h, tz, step)),
        "处理:告警 <编号>(卡片上 放行/拦截/冻结客户)",
        ...coreLines,
      ].join("\n"),
    );
  },
};
