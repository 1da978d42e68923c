import type { Role } from "../../src/chat/roles.ts";
import type { Clock } from "../../src/shared/clock.ts";
import { type Card, encodeActionKey } from "../card.ts";
import { renderCardText } from "../render-text.ts";
import type { Bot } from "../router.ts";
import type { Inbound, Outcome } from "../types.ts";

export interface ConsoleSession {
  /** Runs one line: a command, or a button number of the last card. Returns what to print. */
  run(line: string): Promise<string>;
}

/**
 * The console adapter: the same router as WeCom and DingTalk, cards rendered as text with
 * numbered buttons; typing a number clicks that button on the last card shown.
 */
export function createConsoleSession(opts: {
  bot: Bot;
  clock: Clock;
  userId: string;
  userName?: string;
  role?: Role;
}): ConsoleSession {
  let lastCard: Card | null = null;
  let seq = 0;
  const session = `${process.pid}-${opts.clock.now().toString(36)}`;

  const inbound = (extra: Partial<Inbound>): Inbound => ({
    platform: "console",
    dedupeKey: `console:${session}:${++seq}`,
    user: { id: opts.userId, name: opts.userName ?? opts.userId },
    conversation: { id: `console:${opts.userId}`, kind: "direct" },
    at: opts.clock.now(),
    roleOverride: opts.role,
    ...extra,
  });

  function print(outcome: Outcome): string {
    const out: string[] = [];
    if (outcome.cardUpdate) {
      lastCard = outcome.cardUpdate;
      out.push(renderCardText(outcome.cardUpdate));
    }
    for (const r of outcome.replies) {
      if (r.kind === "text") out.push(r.text);
      else {
        lastCard = r.card;
        out.push(renderCardText(r.card));
        if (r.card.buttons.some((b) => b.action)) out.push(`(输入按钮序号点击;卡片编号 ${r.card.id})`);
      }
    }
    return out.join("\n\n");
  }

  return {
    async run(line) {
      const trimmed = line.trim();
      if (/^\d{1,2}$/.test(trimmed) && lastCard) {
        const button = lastCard.buttons[Number(trimmed) - 1];
        if (!button) return `这张卡片没有第 ${trimmed} 个按钮。`;
        if (button.url) return `打开链接:${button.url}`;
        if (!button.action) return "这个按钮不能点击。";
        const r = await opts.bot.receive(
          inbound({ action: { key: encodeActionKey(button.action), cardId: lastCard.id } }),
        );
        return r.duplicate ? "" : print(r.outcome);
      }
      const r = await opts.bot.receive(inbound({ text: line }));
      return r.duplicate ? "" : print(r.outcome);
    },
  };
}
