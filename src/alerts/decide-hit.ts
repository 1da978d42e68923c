import { and, eq, inArray, ne, or, sql } from "drizzle-orm";
import { freezeBuyer, freezeKey } from "../aftersales/freeze.ts";
import type { RuleSet } from "../anchors/rules.ts";
import type { Tx } from "../db/client.ts";
import { alertHits, orders } from "../db/schema/index.ts";
import { AppError } from "../errors.ts";
import type { ListingChange } from "../inventory/low-stock.ts";
import type { StockSettings } from "../inventory/stock-math.ts";
import { cancelOrder, whyNotStoppable } from "../orders/cancel-order.ts";
import { ruleById } from "./catalog.ts";
import { DECISIONS, type Decision } from "./center.ts";
import { ALERT_ATTENTIONS } from "./record-hit.ts";
import { loadRuleStates } from "./rule-state.ts";

export const OUTCOME_LABELS: Record<string, string> = {
  approved: "已放行",
  rejected: "已拦截",
  frozen: "已冻结客户",
  expired: "超时未处理",
  noted: "已知悉",
};

export function isDecision(v: string): v is Decision {
  return v in DECISIONS;
}

export interface DecideResult {
  hitId: number;
  ruleName: string;
  decision: Decision;
  orders: string[];
  stopped: string[];
  notStopped: { orderNo: string; why: string }[];
  frozen: string | null;
  listing: ListingChange[];
}

/**
 * A person's decision on a hit's group: 放行 clears the holds, 拦截 stops every order that has not
 * left the warehouse, 冻结客户 freezes the customer and stops them too. The hits' status moves from
 * open in the same transaction, so the first decision wins whichever card it came from; an order
 * that moved on is named, never silently skipped. `viaOrder` (查单's buttons) decides even when
 * the rule was switched off since; an old card of a switched-off rule is refused.
 */
export async function decideHit(
  tx: Tx,
  input: {
    hitId: number;
    decision: Decision;
    by: string;
    now: number;
    rules: RuleSet;
    settings: StockSettings;
    viaOrder?: boolean;
  },
): Promise<DecideResult> {
  const { now } = input;
  const [hit] = await tx.select().from(alertHits).where(eq(alertHits.id, input.hitId));
  if (!hit) throw new AppError("not_found", `没有告警 #${input.hitId}`);
  const [lead] = hit.groupId ? await tx.select().from(alertHits).where(eq(alertHits.id, hit.groupId)) : [hit];
  if (!lead) throw new AppError("not_found", `告警 #${input.hitId} 的分组不存在`);
  const rule = ruleById(lead.ruleId);
  if (lead.status !== "open")
    throw new AppError(
      "conflict",
      `告警 #${lead.id} 已处理:${OUTCOME_LABELS[lead.outcome ?? ""] ?? lead.outcome}${lead.decidedBy ? `(${lead.decidedBy})` : ""}`,
    );
  if (!input.viaOrder) {
    const state = (await loadRuleStates(tx)).find((s) => s.rule.id === rule.id)!;
    if (!state.enabled)
      throw new AppError(
        "conflict",
        `规则「${rule.name}」已关闭,这张卡片已失效;订单仍按原状保留。发送「查单 ${lead.orderNo ?? "<订单号>"}」在订单卡片上处理,或「规则 开 ${rule.name}」重新打开。`,
      );
  }
  if (!rule.decisions) throw new AppError("conflict", `规则「${rule.name}」只做通知,不需要决定`);

  const members = await tx
    .select({ id: alertHits.id, orderNo: alertHits.orderNo })
    .from(alertHits)
    .where(and(or(eq(alertHits.id, lead.id), eq(alertHits.groupId, lead.id)), eq(alertHits.status, "open")));
  const orderNos = [...new Set(members.map((m) => m.orderNo).filter((n): n is string => Boolean(n)))];
  const rows = orderNos.length
    ? await tx
        .select({
          orderNo: orders.orderNo,
          anchor: orders.statusAnchor,
          attention: orders.attention,
          phone: orders.buyerPhone,
          buyerId: orders.buyerId,
        })
        .from(orders)
        .where(inArray(orders.orderNo, orderNos))
    : [];

  const result: DecideResult = {
    hitId: lead.id,
    ruleName: rule.name,
    decision: input.decision,
    orders: orderNos,
    stopped: [],
    notStopped: [],
    frozen: null,
    listing: [],
  };

  if (input.decision === "release") {
    for (const o of rows) {
      if (!o.attention || !ALERT_ATTENTIONS.includes(o.attention)) continue;
      // Another rule's open hit on the same order keeps it held until that one is decided too.
      const [other] = await tx
        .select({ id: alertHits.id })
        .from(alertHits)
        .where(
          and(
            eq(alertHits.orderNo, o.orderNo),
            eq(alertHits.status, "open"),
            ne(alertHits.ruleId, lead.ruleId),
            sql`${alertHits.action} <> 'notify'`,
          ),
        )
        .limit(1);
      if (!other)
        await tx.update(orders).set({ attention: null, updatedAt: now }).where(eq(orders.orderNo, o.orderNo));
    }
  } else {
    const stoppable = rows.filter((o) => {
      const why = whyNotStoppable(o.anchor);
      if (why) result.notStopped.push({ orderNo: o.orderNo, why });
      return !why;
    });
    if (rows.length > 0 && stoppable.length === 0)
      throw new AppError(
        "conflict",
        `无法${DECISIONS[input.decision].text}:${result.notStopped.map((n) => `订单 ${n.orderNo} ${n.why}`).join(";")}。已发货的请联系快递拦截或走售后;告警保持待处理。`,
      );
    if (input.decision === "freeze") {
      const first = rows[0];
      const key =
        rule.id === "phone_burst" || rule.id === "refund_frequency"
          ? lead.groupKey
          : (first?.phone ?? first?.buyerId);
      if (!key) throw new AppError("conflict", `告警 #${lead.id} 找不到可冻结的客户(无手机号或买家ID)`);
      await freezeBuyer(tx, {
        key: freezeKey(key),
        reason: `告警「${rule.name}」#${lead.id}`,
        by: input.by,
        now,
      });
      result.frozen = key;
    }
    for (const o of stoppable) {
      const r = await cancelOrder(tx, {
        orderNo: o.orderNo,
        reason: `告警「${rule.name}」#${lead.id} ${DECISIONS[input.decision].text}`,
        by: input.by,
        rules: input.rules,
        settings: input.settings,
        now,
      });
      result.stopped.push(o.orderNo);
      result.listing.push(...r.listing);
    }
  }

  await tx
    .update(alertHits)
    .set({
      status: "decided",
      outcome: DECISIONS[input.decision].outcome,
      decidedBy: input.by,
      decidedAt: now,
      nextEscalationAt: null,
    })
    .where(and(or(eq(alertHits.id, lead.id), eq(alertHits.groupId, lead.id)), eq(alertHits.status, "open")));
  return result;
}

/** The open hit a held order waits on (for 查单's buttons); null when none. */
export async function openHitForOrder(tx: Tx, orderNo: string): Promise<number | null> {
  const [h] = await tx
    .select({ id: alertHits.id, groupId: alertHits.groupId })
    .from(alertHits)
    .where(
      and(eq(alertHits.orderNo, orderNo), eq(alertHits.status, "open"), sql`${alertHits.action} <> 'notify'`),
    )
    .limit(1);
  return h ? (h.groupId ?? h.id) : null;
}

/** Words for a decision's outcome, naming every order it touched and any it could not. */
export function describeDecision(r: DecideResult): string {
  const parts = [`告警 #${r.hitId}「${r.ruleName}」${OUTCOME_LABELS[DECISIONS[r.decision].outcome]}`];
  if (r.decision === "release") parts.push(`订单 ${r.orders.join("、")} 已放行`);
  if (r.frozen) parts.push(`客户 ${r.frozen} 已冻结`);
  if (r.stopped.length)
    parts.push(`订单 ${r.stopped.join("、")} 已取消并退回库存(渠道订单请同步在渠道后台取消或退款)`);
  if (r.notStopped.length)
    parts.push(`未能拦截:${r.notStopped.map((n) => `${n.orderNo}(${n.why})`).join("、")}`);
  return parts.join(";");
}

/**
 * 查单's buttons on an order an alert holds: the order's open hit is decided (its whole group);
 * with no open hit left (it expired), the hold is lifted or the order stopped directly.
 */
export async function decideHeldOrder(
  tx: Tx,
  input: {
    orderNo: string;
    release: boolean;
    by: string;
    now: number;
    rules: RuleSet;
    settings: StockSettings;
  },
): Promise<string> {
  const hitId = await openHitForOrder(tx, input.orderNo);
  if (hitId !== null)
    return describeDecision(
      await decideHit(tx, { ...input, hitId, decision: input.release ? "release" : "block", viaOrder: true }),
    );
  if (input.release) {
    await tx
      .update(orders)
      .set({ attention: null, updatedAt: input.now })
      .where(eq(orders.orderNo, input.orderNo));
    return `订单 ${input.orderNo} 已放行`;
  }
  await cancelOrder(tx, { ...input, reason: "异常预警审核后取消" });
  return `订单 ${input.orderNo} 已取消并退回库存(渠道订单请同步在渠道后台取消或退款)`;
}
