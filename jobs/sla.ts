import { KINDS } from "../src/aftersales/open-case.ts";
import { escalateStaleCases } from "../src/aftersales/sla.ts";
import type { Job } from "./types.ts";

/**
 * Every 10 minutes: after-sales cases untouched for AFTERSALE_SLA are escalated to the
 * supervisors by card (认领 / 同意退款 / 驳回) and their customer is frozen, so new orders wait
 * for review until the case is resolved or a supervisor runs 解冻.
 */
export const slaJob: Job = {
  name: "sla",
  cron: "*/10 * * * *",
  description: "escalate after-sales cases untouched for AFTERSALE_SLA and freeze their customers",
  async run(deps, now, progress) {
    const breaches = await deps.writer.run((tx) =>
      escalateStaleCases(tx, { slaMs: deps.aftersale.slaMs, now }),
    );
    for (const b of breaches) {
      await deps.notifier.send({
        to: "cs_lead",
        severity: "P1",
        subject: b.orderNo,
        title: `售后 #${b.caseId} 超时 ${b.idleHours} 小时未处理`,
        text:
          `订单 ${b.orderNo} 的${KINDS[b.kind as keyof typeof KINDS] ?? b.kind}售后已 ${b.idleHours} 小时无人处理。` +
          (b.frozen ? `客户 ${b.frozen} 已冻结,新订单将暂停审核。` : ""),
        actions: [
          { text: "认领", action: { id: "aftersale.claim", payload: String(b.caseId) } },
          {
            text: "同意退款",
            style: "primary",
            action: { id: "aftersale.approve", payload: String(b.caseId) },
          },
          { text: "驳回", style: "danger", action: { id: "aftersale.reject", payload: String(b.caseId) } },
        ],
      });
    }
    if (breaches.length) progress(`escalated ${breaches.length} cases`);
    return { escalated: breaches.length, frozen: breaches.filter((b) => b.frozen).length };
  },
};
