import { KINDS } from "../../src/aftersales/open-case.ts";
import { STATUS_LABELS } from "../../src/aftersales/status.ts";
import { ANCHOR_LABELS, type Anchor } from "../../src/anchors/anchor.ts";
import { type Role, SEES_CONTACT, SUPERVISORS } from "../../src/chat/roles.ts";
import type { OrderSummary } from "../../src/orders/index.ts";
import { RESOLUTIONS, resolutionsFor } from "../../src/orders/index.ts";
import { type Card, type CardButton, type CardField, newCardId } from "../card.ts";
import { maskAddress, maskPhone, shortTime, yuan } from "../text.ts";

/** Typical parcel transit after pickup; the ETA is an estimate until the carrier reports delivery. */
export const TRANSIT_DAYS = 3;
const DAY = 86_400_000;

export const anchorLabel = (a: string | null | undefined) => (a ? (ANCHOR_LABELS[a as Anchor] ?? a) : "—");

const ATTENTION_LABELS: Record<string, string> = {
  manual_handling: "已付款但库存已释放,需人工处理",
  oversold_at_intake: "下单时库存不足(超卖),需人工处理",
  held_frozen_buyer: "客户已被冻结,新订单待审核放行",
  held_alert: "异常预警暂停,待审核放行或拦截",
  locked_alert: "超低价锁单,待运营核实",
};

export function attentionLabel(a: string): string {
  return ATTENTION_LABELS[a] ?? a;
}

/** The latest logistics node and the ETA, in words. */
export function logisticsLines(o: OrderSummary, tz: string): { latest: string; eta: string } | null {
  const s = o.shipments[0];
  if (!s) return null;
  const node = s.lastNodeText ? `${shortTime(s.lastNodeAt, tz)} ${s.lastNodeText}` : "暂无轨迹";
  let eta: string;
  if (s.signedAt) eta = `已签收 ${shortTime(s.signedAt, tz)}`;
  else if (s.pickedUpAt)
    eta = `约 ${shortTime(s.pickedUpAt + TRANSIT_DAYS * DAY, tz)}(揽收后 ${TRANSIT_DAYS} 天估算)`;
  else eta = "待揽收";
  return { latest: `${s.carrier ?? "快递"} ${s.waybillNo} · ${node}`, eta };
}

export interface OrderCardInput {
  order: OrderSummary;
  role: Role;
  tz: string;
  now: number;
  suggestedReply?: string | null;
}

/** The order card agents see for 查单: anchor, logistics, lines, amounts, timeline, alerts, reply. */
export function orderCard({ order: o, role, tz, now, suggestedReply }: OrderCardInput): Card {
  const seesContact = SEES_CONTACT.includes(role) || role === "admin";
  const fields: CardField[] = [
    { label: "状态", value: anchorLabel(o.anchor) },
    { label: "实付", value: yuan(o.actualPaid ?? o.orderAmount) },
  ];
  const phone = o.address?.phone ?? o.buyerPhone;
  if (phone) fields.push({ label: "买家", value: seesContact ? phone : maskPhone(phone) });
  if (o.address)
    fields.push({
      label: "收货",
      value: seesContact
        ? [o.address.province, o.address.city, o.address.district, o.address.detail].filter(Boolean).join(" ")
        : maskAddress(o.address),
    });
  const logistics = logisticsLines(o, tz);
  if (logistics) {
    fields.push({ label: "物流", value: logistics.latest });
    fields.push({ label: "预计送达", value: logistics.eta });
  }

  const lines: string[] = [];
  if (o.attention) lines.push(`⚠ ${attentionLabel(o.attention)}`);
  lines.push(
    `商品:${o.lines.map((l) => `${l.name ?? l.sku} ×${l.qty} ${yuan(l.amount ?? l.unitPrice * l.qty)}`).join(";") || "—"}`,
  );
  lines.push(
    `金额:商品 ${yuan(o.orderAmount)} · 运费 ${yuan(o.shippingFee)} · 优惠 ${yuan(o.discountTotal)} · 实付 ${yuan(o.actualPaid)}`,
  );
  if (o.events.length) {
    lines.push("时间线:");
    for (const e of o.events) {
      const moved =
        e.anchorAfter && e.anchorAfter !== e.anchorBefore ? ` → ${anchorLabel(e.anchorAfter)}` : "";
      lines.push(`  ${shortTime(e.eventTime, tz)} ${e.source} ${e.rawStatus ?? e.kind}${moved}`);
    }
  }
  for (const a of o.alerts.filter((x) => x.status === "open"))
    lines.push(`⚠ 告警 ${a.severity} ${a.message}${a.kind.startsWith("rule:") ? `(告警 ${a.id})` : ""}`);
  for (const c of o.aftersales)
    lines.push(
      `售后 #${c.id} ${KINDS[c.kind as keyof typeof KINDS] ?? c.kind} ${STATUS_LABELS[c.status as keyof typeof STATUS_LABELS] ?? c.status}`,
    );
  if (suggestedReply) lines.push(`建议回复:${suggestedReply}`);

  const buttons: CardButton[] = [
    { text: "为什么", action: { id: "order.why", payload: o.orderNo } },
    { text: "物流", action: { id: "order.track", payload: o.orderNo } },
  ];
  if (phone) buttons.push({ text: "拨打买家", url: `tel:${phone}` });
  if (o.packingMedia) buttons.push({ text: "打包视频", url: o.packingMedia });
  if (o.attention && SUPERVISORS.length) {
    for (const key of resolutionsFor(o.attention).slice(0, 6 - buttons.length)) {
      const label = RESOLUTIONS[key];
      buttons.push({
        text: label.slice(0, 10),
        style: key === "cancelled" ? "danger" : "primary",
        action: { id: "attention.resolve", payload: `${o.orderNo}~${key}` },
      });
    }
  }
  return {
    id: newCardId("order", o.orderNo, now),
    kind: "order",
    subject: o.orderNo,
    title: `订单 ${o.orderNo} · ${anchorLabel(o.anchor)}`,
    subtitle: `${o.channel} · 下单 ${shortTime(o.createdAt, tz)}${o.paidAt ? ` · 付款 ${shortTime(o.paidAt, tz)}` : ""}`,
    fields,
    lines,
    buttons,
  };
}
