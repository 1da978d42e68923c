import { type Card, encodeActionKey } from "../bot/card.ts";
import type { CommandDef } from "../bot/command.ts";
import { findCard } from "../src/chat/cards.ts";
import { AppError } from "../src/errors.ts";

/**
 * 审批 / approve — the text fallback for card buttons (platforms or notices without callbacks):
 * `审批 <卡片编号> <序号|按钮文字>` runs the button exactly as a click would, with the same role
 * check and first-click-wins rule.
 */
export const approve: CommandDef = {
  name: "审批",
  aliases: ["approve", "click"],
  usage: ["审批 <卡片编号> <序号|按钮文字>"],
  summary: "在不能点按钮的地方,用文字点卡片上的按钮",
  async handle(ctx, { tokens }) {
    const [cardId, choice] = tokens;
    if (!cardId || !choice)
      throw new AppError("bad_request", "需要卡片编号和按钮序号,例如:审批 order-M1-abc 1");
    const row = await findCard(ctx.deps.db, cardId);
    if (!row) throw new AppError("not_found", `卡片 ${cardId}`);
    const card = row.card as Card;
    const callbacks = card.buttons.filter((b) => b.action);
    const n = Number(choice);
    const button = Number.isInteger(n) ? card.buttons[n - 1] : callbacks.find((b) => b.text === choice);
    if (!button?.action)
      throw new AppError(
        "bad_request",
        `卡片上没有「${choice}」这个按钮;可选:${card.buttons.map((b, i) => `${i + 1}.${b.text}`).join(" ")}`,
      );
    const out = await ctx.click(cardId, encodeActionKey(button.action));
    return out.replies;
  },
};
