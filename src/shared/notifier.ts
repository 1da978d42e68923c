import type { Logger } from "./logger.ts";

/** Who a message is for; the chat issue maps these to WeCom/DingTalk users and groups. */
export type Audience =
  | "ops"
  | "purchasing"
  | "warehouse"
  | "cs_lead"
  | "finance"
  | "managers"
  | "supervisors"
  | "owner"
  /** Whoever owns the platform integrations: interface-health warnings (src/health/). */
  | "integration";

export interface Notice {
  to: Audience;
  title: string;
  text: string;
  severity?: "P1" | "P2" | "P3";
  /** What the notice is about (an order no), for cards and audit. */
  subject?: string;
  /** Decision buttons; chat notifiers render them on a card, others as a text fallback. */
  actions?: NoticeAction[];
  /** A picture for targets that can show one (WeCom group robot); others get the text only. */
  image?: { png: Buffer | string; alt: string };
}

export interface NoticeAction {
  text: string;
  action: { id: string; payload: string };
  style?: "primary" | "danger" | "normal";
}

/** Outbound notifications. Chat and SMS notifiers come with the chat issue; until then, logs. */
export interface Notifier {
  send(notice: Notice): Promise<void>;
}

export function loggedNotifier(logger: Logger): Notifier {
  return {
    async send(n) {
      logger.info({ notice: n }, `notify ${n.to}: ${n.title}`);
    },
  };
}

/** Keeps what was sent, for tests and the console. */
export function memoryNotifier(): Notifier & { sent: Notice[] } {
  const sent: Notice[] = [];
  return {
    sent,
    async send(n) {
      sent.push(n);
    },
  };
}
