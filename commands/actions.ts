import { eq } from "drizzle-orm";
import { attentionLabel } from "../bot/cards/order-card.ts";
import { type ActionDef, auditChat } from "../bot/command.ts";
import { yuan } from "../bot/text.ts";
import { text } from "../bot/types.ts";
import { approveRefund, claimCase, rejectCase } from "../src/aftersales/index.ts";
import {
  ALERT_ATTENTIONS,
  decideHeldOrder,
  decideHit,
  describeDecision,
  isDecision,
} from "../src/alerts/index.ts";
import { SUPERVISORS } from "../src/chat/roles.ts";
import type { Tx } from "../src/db/client.ts";
import { orders } from "../src/db/schema/index.ts";
import { AppError } from "../src/errors.ts";
import { isResolution, RESOLUTIONS, resolveAttention } from "../src/orders/index.ts";
import { trackReply } from "./track.ts";
import { whyReply } from "./why.ts";

/** Order-card buttons: two views anyone may click, and the supervisors' decision on a flagged order. */
export const actions: ActionDef[] = [
  {
    id: "aftersale.claim",
    roles: SUPERVISORS,
    async view(ctx, payload) {
      const caseId = Number(payload);
      await ctx.deps.writer.run(async (tx) => {
        await claimCase(tx, { caseId, by: ctx.user.name ?? ctx.user.id, now: ctx.now });
        await auditChat(tx, ctx, "aftersale.claim", `aftersale:${caseId}`);
      });
      return [text(`已认领售后 #${caseId},SLA 重新计时。同意或驳回仍可在卡片上操作。`)];
    },
  },
  {
    id: "aftersale.approve",
    roles: SUPERVISORS,
    async decide(tx, ctx, payload) {
      const r = await approveRefund(tx, {
        caseId: Number(payload),
        by: ctx.user.name ?? ctx.user.id,
        now: ctx.now,
        policy: ctx.deps.aftersale.policy,
      });
      return `售后 #${r.caseId} 退款 ${yuan(r.quote.total)} 已批准`;
    },
  },
  {
    id: "aftersale.reject",
    roles: SUPERVISORS,
    async decide(tx, ctx, payload) {
      const r = await rejectCase(tx, {
        caseId: Number(payload),
        by: ctx.user.id,
        reason: "主管在卡片上驳回",
        now: ctx.now,
      });
      return `售后 #${r.caseId} 已驳回${r.lifted.length ? `,客户已解冻` : ""}`;
    },
  },
  {
    id: "alert.decide",
    roles: SUPERVISORS,
    async decide(tx, ctx, payload) {
      const [id, decision] = payload.split("~");
      if (!id || !/^\d+$/.test(id) || !decision || !isDecision(decision))
        throw new AppError("bad_request", "这个按钮的参数无效");
      const r = await decideHit(tx, {
        hitId: Number(id),
        decision,
        by: ctx.user.name ?? ctx.user.id,
        now: ctx.now,
        rules: ctx.deps.rules,
        settings: ctx.deps.settings,
      });
      return describeDecision(r);
    },
  },
  { id: "order.why", view: async (ctx, orderNo) => [await whyReply(ctx, orderNo)] },
  { id: "order.track", view: async (ctx, orderNo) => [await trackReply(ctx, orderNo)] },
  {
    id: "attention.resolve",
    roles: SUPERVISORS,
    async decide(tx, ctx, payload) {
      const [orderNo, resolution] = payload.split("~");
      if (!orderNo || !resolution || !isResolution(resolution))
        throw new AppError("bad_request", "这个按钮的参数无效");
      const held = await orderAttention(tx, orderNo);
      if (held && ALERT_ATTENTIONS.includes(held)) {
        if (resolution !== "released" && resolution !== "cancelled")
          throw new AppError("conflict", `异常预警暂停的订单只能放行或取消`);
        return decideHeldOrder(tx, {
          orderNo,
          release: resolution === "released",
          by: ctx.user.name ?? ctx.user.id,
          now: ctx.now,
          rules: ctx.deps.rules,
          settings: ctx.deps.settings,
        });
      }
      const r = await resolveAttention(tx, { orderNo, resolution, now: ctx.now });
      return `订单 ${orderNo}「${attentionLabel(r.attention)}」→ ${RESOLUTIONS[r.resolution]}`;
    },
  },
];

async function orderAttention(tx: Tx, orderNo: string): Promise<string | null> {
  const [o] = await tx.select({ a: orders.attention }).from(orders).where(eq(orders.orderNo, orderNo));
  return o?.a ?? null;
}
