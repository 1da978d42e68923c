import { anchorLabel } from "../bot/cards/order-card.ts";
import type { CommandContext, CommandDef } from "../bot/command.ts";
import { shortTime } from "../bot/text.ts";
import { type Reply, text } from "../bot/types.ts";
import { AppError } from "../src/errors.ts";
import { findOrderNos, getOrder } from "../src/orders/index.ts";

/** How the order reached its anchor: every event in time order, the rules it fired, the moves. */
export async function whyReply(ctx: CommandContext, orderNo: string): Promise<Reply> {
  const tz = ctx.deps.config.TZ_DISPLAY;
  const o = await getOrder({ db: ctx.deps.db, rules: ctx.deps.rules, orderNo });
  const out = [`订单 ${o.order_no} 现在是「${o.status_label}」,原因:`];
  if (o.anchor_cause.rule_id)
    out.push(
      `规则 ${o.anchor_cause.rule_id}${o.anchor_cause.rule_note ? `(${o.anchor_cause.rule_note})` : ""}`,
    );
  out.push("", "事件与规则(按事件时间):");
  const ms = (iso: string | null) => (iso ? Date.parse(iso) : null);
  for (const e of o.timeline) {
    const moved =
      e.anchor_after && e.anchor_after !== e.anchor_before
        ? `${anchorLabel(e.anchor_before)} → ${anchorLabel(e.anchor_after)}`
        : "不变";
    const rules = e.rules.length
      ? e.rules.join(", ")
      : e.flag === "unknown_status"
        ? "无规则匹配(未知状态)"
        : "无";
    out.push(
      `• ${shortTime(ms(e.event_time), tz)} ${e.source} ${e.raw_status ?? e.kind}:规则 ${rules};${moved}`,
    );
  }
  if (o.timeline.length === 0) out.push("(还没有事件)");
  if (o.source_statuses.length) {
    out.push("", "各系统最后的状态:");
    for (const s of o.source_statuses)
      out.push(`• ${s.source}:${s.raw_status ?? "—"}(${shortTime(ms(s.event_time), tz)})`);
  }
  return text(out.join("\n"));
}

/** 为什么 / why — explains the anchor from the event log and the rules. */
export const why: CommandDef = {
  name: "为什么",
  aliases: ["why", "原因"],
  usage: ["为什么 <订单号>"],
  summary: "解释订单为什么是这个状态:事件、触发的规则和状态变化",
  async handle(ctx, { tokens }) {
    const q = tokens.join("");
    if (!q) throw new AppError("bad_request", "请在 为什么 后面写订单号,例如:为什么 M20260118001");
    const found = await findOrderNos(ctx.deps.db, q, 1);
    return whyReply(ctx, found.orderNos[0] as string);
  },
};
