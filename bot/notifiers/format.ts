import type { Notice } from "../../src/shared/notifier.ts";
import { type Card, newCardId } from "../card.ts";
import { splitByBytes } from "../text.ts";

/** The card a notice with decision buttons becomes; one per notice, shared by all its targets. */
export function noticeCard(notice: Notice, now: number): Card {
  return {
    id: newCardId("notice", notice.subject ?? notice.to, now),
    kind: "notice",
    subject: notice.subject,
    title: notice.title,
    subtitle: notice.severity,
    fields: notice.subject ? [{ label: "单号", value: notice.subject }] : [],
    lines: notice.text.split("\n"),
    buttons: (notice.actions ?? []).map((a) => ({ text: a.text, style: a.style, action: a.action })),
  };
}

/** Buttons for platforms without click callbacks: numbered, answered with the 审批 command. */
export function buttonsAsText(card: Card | undefined): string[] {
  const actions = card?.buttons.filter((b) => b.action) ?? [];
  if (!card || !actions.length) return [];
  return [
    ...actions.map((b, i) => `[${i + 1}] ${b.text}`),
    `回复「审批 ${card.id} <序号>」处理,如「审批 ${card.id} 1」= ${actions[0]!.text}`,
  ];
}

const heading = (n: Notice) => `${n.severity ? `【${n.severity}】` : ""}${n.title}`;

/** WeCom / DingTalk markdown. Body lines stay as written: notices are composed as text. */
export function noticeMarkdown(notice: Notice, card?: Card): string {
  const out = [`**${heading(notice)}**`];
  if (notice.subject) out.push(`单号:${notice.subject}`);
  out.push("", notice.text);
  const buttons = buttonsAsText(card);
  if (buttons.length) out.push("", ...buttons);
  return out.join("\n");
}

/** Plain text (email body). */
export function noticeText(notice: Notice, card?: Card): string {
  return noticeMarkdown(notice, card).replace(/^\*\*(.*)\*\*$/m, "$1");
}

export function noticeSubject(notice: Notice): string {
  return `${notice.severity ? `[${notice.severity}] ` : ""}${notice.title}${notice.subject ? ` - ${notice.subject}` : ""}`;
}

/** Room for the "(12/13)\n" part marker. */
const MARK_RESERVE = 16;

/**
 * Splits a message body to the platform's byte limit. Parts are numbered so a reader sees that
 * more is coming and in which order, even if the client interleaves other messages.
 */
export function splitForPlatform(text: string, maxBytes: number): string[] {
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return [text];
  const parts = splitByBytes(text, maxBytes - MARK_RESERVE);
  return parts.map((p, i) => `(${i + 1}/${parts.length})\n${p}`);
}

/** Cuts to `max` characters (code points, never half an emoji), marking the cut. */
export function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}
