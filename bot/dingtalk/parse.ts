import { z } from "zod";
import type { Inbound } from "../types.ts";
import { parseJson } from "./json.ts";

/** Robot message `data` (B6.4); only what the adapter uses, other keys pass through. */
const robotMessage = z.looseObject({
  msgId: z.string().min(1),
  msgtype: z.string().optional(),
  text: z.looseObject({ content: z.string() }).optional(),
  content: z
    .looseObject({ richText: z.array(z.looseObject({ text: z.string().optional() })).optional() })
    .optional(),
  conversationId: z.string().min(1),
  conversationType: z.string().optional(),
  senderId: z.string().optional(),
  senderStaffId: z.string().optional(),
  senderNick: z.string().optional(),
  createAt: z.number().optional(),
  sessionWebhook: z.string().optional(),
  sessionWebhookExpiredTime: z.number().optional(),
});

/** Card action `data` (B6.5); `content` is itself a JSON string. */
const cardCallback = z.looseObject({
  outTrackId: z.string().min(1),
  userId: z.string().min(1),
  content: z.string().optional(),
  spaceType: z.string().optional(),
  spaceId: z.string().optional(),
});

const cardContent = z.looseObject({
  cardPrivateData: z.looseObject({ params: z.record(z.string(), z.unknown()).optional() }).optional(),
});

/** Where replies to an inbound go, and how. */
export interface ReplyTarget {
  conversation: Inbound["conversation"];
  /** Staff id for oToMessages and the IM_ROBOT card space; empty for senders without one. */
  userId: string;
  /** The session webhook, while DingTalk says it is valid. */
  webhook?: { url: string; expiresAt: number };
}

export function parseRobotMessage(
  data: string,
  now: number,
): { inbound: Inbound; target: ReplyTarget } | null {
  const m = robotMessage.safeParse(parseJson(data));
  if (!m.success) return null;
  const d = m.data;
  const userId = d.senderStaffId || d.senderId || "";
  if (!userId) return null;
  const conversation = {
    id: d.conversationId,
    kind: d.conversationType === "2" ? "group" : "direct",
  } as const;
  const raw = d.text?.content ?? d.content?.richText?.map((r) => r.text ?? "").join("") ?? "";
  const inbound: Inbound = {
    platform: "dingtalk",
    dedupeKey: d.msgId,
    user: { id: userId, name: d.senderNick || undefined },
    conversation,
    at: d.createAt ?? now,
    text: stripMention(raw),
  };
  const webhook =
    d.sessionWebhook && d.sessionWebhookExpiredTime
      ? { url: d.sessionWebhook, expiresAt: d.sessionWebhookExpiredTime }
      : undefined;
  return { inbound, target: { conversation, userId: d.senderStaffId ?? "", webhook } };
}

/** Group messages start with a space where the @robot was, sometimes with the @name left in. */
export function stripMention(text: string): string {
  return text
    .replace(/^\s+/, "")
    .replace(/^(@\S+\s*)+/, "")
    .trim();
}

export function parseCardCallback(
  data: string,
  messageId: string,
  now: number,
): { inbound: Inbound; outTrackId: string; target: ReplyTarget } | null {
  const c = cardCallback.safeParse(parseJson(data));
  if (!c.success || !messageId) return null;
  const content = cardContent.safeParse(parseJson(c.data.content ?? ""));
  const key = content.success ? content.data.cardPrivateData?.params?.key : undefined;
  if (typeof key !== "string" || !key) return null;
  const { outTrackId, userId } = c.data;
  const conversation =
    c.data.spaceType === "IM_GROUP" && c.data.spaceId
      ? ({ id: c.data.spaceId, kind: "group" } as const)
      : ({ id: userId, kind: "direct" } as const);
  const inbound: Inbound = {
    platform: "dingtalk",
    // A click has no msgId; the frame's messageId repeats on redelivery.
    dedupeKey: `card:${messageId}`,
    user: { id: userId },
    conversation,
    at: now,
    action: { key, cardId: outTrackId },
  };
  // Answers to a click go to the clicker alone, not to the group the card is in.
  return { inbound, outTrackId, target: { conversation: { id: userId, kind: "direct" }, userId } };
}
