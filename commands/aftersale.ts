import { auditChat, type CommandContext, type CommandDef, requireRole } from "../bot/command.ts";
import { shortTime, yuan } from "../bot/text.ts";
import { type Reply, text } from "../bot/types.ts";
import {
  approveRefund,
  casesOfOrder,
  claimCase,
  getCase,
  KINDS,
  openCase,
  parseKind,
  parseLineSpec,
  RETURN_STATE_LABELS,
  rejectCase,
  STATUS_LABELS,
  setReturnWaybill,
} from "../src/aftersales/index.ts";
import { formatQuote } from "../src/aftersales/split.ts";
import { SUPERVISORS } from "../src/chat/roles.ts";
import type { Tx } from "../src/db/client.ts";
import { AppError } from "../src/errors.ts";

const caseIdOf = (v: string | undefined) => {
  const n = Number((v ?? "").replace(/^#/, ""));
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new AppError("bad_request", `售后单号「${v ?? ""}」不对:写成 #12 或 12`);
  return n;
};

/** One case in words: what, which units, status, refund voucher, return. */
export async function caseText(ctx: CommandContext, id: number): Promise<string> {
  const tz = ctx.deps.config.TZ_DISPLAY;
  const v = await getCase(ctx.deps.db, id);
  const c = v.case;
  const out = [
    `售后 #${c.id} · 订单 ${c.orderNo} · ${KINDS[c.kind]} · ${STATUS_LABELS[c.status]}`,
    `商品:${c.lines.map((l) => `${l.sku}×${l.qty}`).join(",")}${c.reason ? ` · 原因:${c.reason}` : ""}`,
    `建单 ${shortTime(c.createdAt, tz)}(${c.source})· 最近处理 ${shortTime(c.touchedAt, tz)}${c.claimedBy ? ` · 认领人 ${c.claimedBy}` : ""}`,
  ];
  if (c.slaEscalatedAt) out.push(`⚠ ${shortTime(c.slaEscalatedAt, tz)} 超时升级`);
  if (c.returnWaybill)
    out.push(
      `退货运单 ${c.returnWaybill}:${RETURN_STATE_LABELS[c.returnState ?? ""] ?? c.returnState ?? "已登记"}`,
    );
  if (c.receivedAt) out.push(`${shortTime(c.receivedAt, tz)} 退货已入库,冲回成本 ${yuan(c.costReversed)}`);
  if (v.refund) {
    out.push(
      `退款 ${yuan(v.refund.total)}(${v.refund.approvedBy} 批准)${v.refund.channelAmount != null ? `,需渠道退款 ${yuan(v.refund.channelAmount)}` : ""}${v.refund.pointsReturned ? `,退回积分 ${yuan(v.refund.pointsReturned)}` : ""}`,
    );
    for (const r of v.voucher) out.push(`  ${r.sku ?? "订单"} ${r.name ?? r.component} ${yuan(r.amount)}`);
  }
  return out.join("\n");
}

/** `售后 新建 M1 退货退款 SKU-1x1 SKU-2 原因:尺码不合适` → the parts. */
function parseNew(tokens: string[]) {
  const [orderNo, ...rest] = tokens;
  if (!orderNo)
    throw new AppError(
      "bad_request",
      "请写订单号,例如:售后 新建 M20260118001 退货退款 SKU-1x1 原因:尺码不合适",
    );
  let kind: ReturnType<typeof parseKind> = "refund_only";
  const lines: ReturnType<typeof parseLineSpec>[] = [];
  const reason: string[] = [];
  for (const t of rest) {
    if (reason.length || /^(原因|reason)[::]/i.test(t)) reason.push(t.replace(/^(原因|reason)[::]/i, ""));
    else if (
      lines.length === 0 &&
      /^(仅退款|退货退款|换货|退款|退货|refund_only|return_refund|exchange)$/i.test(t)
    )
      kind = parseKind(t);
    else lines.push(parseLineSpec(t));
  }
  return { orderNo, kind, lines, reason: reason.join(" ").trim() || null };
}

/** 售后 / aftersale — open, show, approve, reject, claim, register the return waybill. */
export const aftersale: CommandDef = {
  name: "售后",
  aliases: ["aftersale", "as"],
  usage: [
    "售后 <订单号|#售后单>",
    "售后 新建 <订单号> [仅退款|退货退款|换货] <SKU>x<数量> … [原因:…]",
    "售后 批准 <#售后单> | 售后 驳回 <#售后单> <原因>",
    "售后 认领 <#售后单> | 售后 退货单 <#售后单> <运单号>",
  ],
  summary: "售后:建单、查看、批准退款、驳回、认领、登记退货运单",
  async handle(ctx, { tokens }) {
    const [sub, ...rest] = tokens;
    const now = ctx.now;
    const who = ctx.user.name ?? ctx.user.id;
    const auditIt = (tx: Tx, action: string, id: number, detail?: Record<string, unknown>) =>
      auditChat(tx, ctx, action, `aftersale:${id}`, detail);
    switch (sub) {
      case undefined:
        throw new AppError("bad_request", "请写订单号或售后单号");
      case "新建":
      case "new": {
        const p = parseNew(rest);
        if (p.lines.length === 0)
          throw new AppError("bad_request", "请写要售后的商品,例如 SKU-1x1(不写数量表示全部)");
        const row = await ctx.deps.writer.run(async (tx) => {
          const r = await openCase(tx, { ...p, source: "chat", by: who, now });
          await auditIt(tx, "aftersale.open", r.id, { orderNo: p.orderNo, kind: p.kind });
          return r;
        });
        return text(`已建售后 #${row.id}\n${await caseText(ctx, row.id)}`);
      }
      case "批准":
      case "approve": {
        requireRole(ctx.user, SUPERVISORS, "售后 批准");
        const id = caseIdOf(rest[0]);
        const r = await ctx.deps.writer.run(async (tx) => {
          const a = await approveRefund(tx, { caseId: id, by: who, now, policy: ctx.deps.aftersale.policy });
          await auditIt(tx, "aftersale.approve", id, { total: a.quote.total });
          return a;
        });
        return [text(`✅ 已批准售后 #${id} 退款 ${yuan(r.quote.total)}`), text(formatQuote(r.quote))];
      }
      case "驳回":
      case "reject": {
        requireRole(ctx.user, SUPERVISORS, "售后 驳回");
        const id = caseIdOf(rest[0]);
        const reason = rest.slice(1).join(" ").trim();
        if (!reason) throw new AppError("bad_request", "驳回请写原因,例如:售后 驳回 #12 商品已使用");
        const r = await ctx.deps.writer.run(async (tx) => {
          const x = await rejectCase(tx, { caseId: id, by: who, reason, now });
          await auditIt(tx, "aftersale.reject", id, { reason });
          return x;
        });
        return text(`已驳回售后 #${id}${r.lifted.length ? `,已解冻 ${r.lifted.join("、")}` : ""}`);
      }
      case "认领":
      case "claim": {
        const id = caseIdOf(rest[0]);
        await ctx.deps.writer.run(async (tx) => {
          await claimCase(tx, { caseId: id, by: who, now });
          await auditIt(tx, "aftersale.claim", id);
        });
        return text(`已认领售后 #${id},SLA 重新计时。`);
      }
      case "退货单":
      case "return": {
        const id = caseIdOf(rest[0]);
        if (!rest[1]) throw new AppError("bad_request", "请写退货运单号,例如:售后 退货单 #12 YT1234567890");
        await ctx.deps.writer.run((tx) =>
          setReturnWaybill(tx, { caseId: id, waybill: rest[1] as string, now }),
        );
        return text(`已登记售后 #${id} 的退货运单 ${rest[1]},物流签收/拒收会自动更新。`);
      }
      default: {
        if (/^#?\d+$/.test(sub) && sub.length < 9) return text(await caseText(ctx, caseIdOf(sub)));
        const cases = await casesOfOrder(ctx.deps.db, sub);
        if (cases.length === 0)
          return text(`订单 ${sub} 没有售后。新建:售后 新建 ${sub} 仅退款 <SKU>x<数量>`);
        const replies: Reply[] = [];
        for (const c of cases.slice(0, 5)) replies.push(text(await caseText(ctx, c.id)));
        return replies;
      }
    }
  },
};
