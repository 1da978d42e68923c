import { auditChat, type CommandDef, requireRole } from "../bot/command.ts";
import { shortTime } from "../bot/text.ts";
import { text } from "../bot/types.ts";
import {
  ACTION_LABELS,
  activeSilences,
  describeValue,
  effectOf,
  formatEffect,
  listHits,
  loadRuleStates,
  type RuleState,
  ruleEffects,
  ruleNamed,
  setRuleEnabled,
  setRuleParams,
} from "../src/alerts/index.ts";
import { MANAGERS } from "../src/chat/roles.ts";
import { AppError } from "../src/errors.ts";

const DAY = 86_400_000;
const ON = new Set(["开", "开启", "打开", "启用", "on", "enable"]);
const OFF = new Set(["关", "关闭", "停用", "off", "disable"]);
const SET = new Set(["设置", "设", "set"]);

function paramsText(s: RuleState): string {
  return s.rule.params.map((p) => `${p.key}(${p.label})=${describeValue(p, s.params[p.key])}`).join(";");
}

function stateText(s: RuleState, silencedUntil: number | undefined, tz: string): string {
  const state = s.enabled ? "开" : "关";
  const muted = silencedUntil ? ` · 静默至 ${shortTime(silencedUntil, tz)}` : "";
  return `${state} · ${s.level} · ${s.rule.actionText ?? ACTION_LABELS[s.rule.action]}${muted}`;
}

/** 规则 / rules — the anomaly rules: list, one rule's effect, switch on/off, set parameters. */
export const rules: CommandDef = {
  name: "规则",
  aliases: ["rules", "rule"],
  usage: ["规则", "规则 <规则>", "规则 开|关 <规则>", "规则 设置 <规则> <参数>=<值> [<参数>=<值> …]"],
  summary: "异常预警规则:状态、参数、近 7 天命中和效果;经理可开关和调参",
  async handle(ctx, { tokens }) {
    const { db, config } = ctx.deps;
    const tz = config.TZ_DISPLAY;
    const [first, ...rest] = tokens;
    const verb = first?.toLowerCase() ?? "";

    if (ON.has(verb) || OFF.has(verb)) {
      requireRole(ctx.user, MANAGERS, "开关规则");
      const rule = ruleNamed(rest[0]);
      const enabled = ON.has(verb);
      const r = await ctx.deps.writer.run(async (tx) => {
        const res = await setRuleEnabled(tx, { rule, enabled, by: ctx.user.id, now: ctx.now });
        await auditChat(tx, ctx, enabled ? "rule.enable" : "rule.disable", `rule:${rule.id}`, {
          before: res.before,
        });
        return res;
      });
      ctx.deps.alerts.rules.invalidate();
      if (r.before === enabled)
        return text(`规则「${rule.name}」本来就是${enabled ? "开启" : "关闭"}状态,未改变。`);
      if (enabled) return text(`已开启规则「${rule.name}」:此后的订单事件会按它检查。`);
      const open = await listHits(db, { status: "open", ruleId: rule.id, limit: 500 });
      const tail = open.length
        ? `仍有 ${open.length} 条待处理告警,相关订单保持原状(暂停的仍暂停),请用「查单 <订单号>」在订单卡片上处理。`
        : "";
      return text(`已关闭规则「${rule.name}」:不再检查新订单。${tail}`);
    }

    if (SET.has(verb)) {
      requireRole(ctx.user, MANAGERS, "调整规则参数");
      const rule = ruleNamed(rest[0]);
      const assignments = rest.slice(1);
      const r = await ctx.deps.writer.run(async (tx) => {
        const res = await setRuleParams(tx, { rule, assignments, by: ctx.user.id, now: ctx.now });
        await auditChat(tx, ctx, "rule.set", `rule:${rule.id}`, { changes: res.changes });
        return res;
      });
      ctx.deps.alerts.rules.invalidate();
      const spec = (k: string) => rule.params.find((p) => p.key === k);
      const show = (k: string, v: unknown) => {
        const s = spec(k);
        return s ? describeValue(s, v) : String(v);
      };
      return text(
        [
          `规则「${rule.name}」已更新:`,
          ...r.changes.map((c) => `- ${c.key}:${show(c.key, c.from)} → ${show(c.key, c.to)}`),
          `当前:${paramsText(r.state)} · 级别 ${r.state.level}`,
        ].join("\n"),
      );
    }

    const states = await loadRuleStates(db);
    const silences = await activeSilences(db, ctx.now);
    const week = await ruleEffects(db, { from: ctx.now - 7 * DAY, to: ctx.now + 1 });

    if (first) {
      const rule = ruleNamed(tokens.join(" "));
      const s = states.find((x) => x.rule.id === rule.id)!;
      const all = await ruleEffects(db, { from: 0, to: ctx.now + 1 });
      return text(
        [
          `规则「${rule.name}」(${rule.id}):${stateText(s, silences.get(rule.id), tz)}`,
          rule.summary,
          `参数:${paramsText(s)}`,
          `近 7 天:${formatEffect(effectOf(week, rule.id))}`,
          `累计:${formatEffect(effectOf(all, rule.id))}`,
          s.updatedAt ? `最近修改:${shortTime(s.updatedAt, tz)} ${s.updatedBy ?? ""}` : "从未修改(默认参数)",
          `调整:规则 设置 ${rule.name} ${rule.params[0]!.key}=<值> · 开关:规则 关 ${rule.name}`,
        ].join("\n"),
      );
    }

    if (states.length === 0) throw new AppError("not_found", "没有规则");
    const lines = ["异常预警规则(近 7 天命中):"];
    for (const s of states) {
      const e = effectOf(week, s.rule.id);
      lines.push(
        `${s.enabled ? "●" : "○"} ${s.rule.name}(${s.rule.id})${stateText(s, silences.get(s.rule.id), tz)} · 命中 ${e.hits}`,
        `   ${paramsText(s)}`,
      );
    }
    lines.push("详情:规则 <规则> · 经理可用:规则 开|关 <规则>、规则 设置 <规则> <参数>=<值>");
    return text(lines.join("\n"));
  },
};
