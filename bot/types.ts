import type { Platform, Role } from "../src/chat/roles.ts";
import type { Card } from "./card.ts";

/** One inbound message or card click, as every adapter hands it to the router. */
export interface Inbound {
  platform: Platform;
  /** The platform's delivery identity (WeCom MsgId or event key, DingTalk msgId): retries repeat it. */
  dedupeKey: string;
  user: { id: string; name?: string };
  conversation: { id: string; kind: "direct" | "group" };
  /** Milliseconds. */
  at: number;
  text?: string;
  /** A button click: the button's key and the card it was on. */
  action?: { key: string; cardId: string };
  /** Console only: act as this role without a user mapping. */
  roleOverride?: Role;
}

export type Reply = { kind: "text"; text: string } | { kind: "card"; card: Card };

/** What the router answers: new messages, and for clicks the card as it should now look. */
export interface Outcome {
  replies: Reply[];
  cardUpdate?: Card;
}

export const text = (t: string): Reply => ({ kind: "text", text: t });
export const card = (c: Card): Reply => ({ kind: "card", card: c });
