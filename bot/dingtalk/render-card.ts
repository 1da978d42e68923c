import { type Card, encodeActionKey } from "../card.ts";
import { renderCardMarkdown } from "../render-text.ts";

/**
 * A neutral card for DingTalk: markdown for the session webhook and robot API (no callbacks
 * there), and the string-only cardParamMap an interactive card template binds to.
 */

/** The card as a markdown message. Without interactive cards, callback buttons become reply hints. */
export function cardMarkdown(card: Card, opts: { replyHints: boolean }): { title: string; text: string } {
  const lines = [renderCardMarkdown(card)];
  if (opts.replyHints) {
    const hints = card.buttons.flatMap((b, i) =>
      b.action ? [`- ${b.text}:回复「审批 ${card.id} ${i + 1}」`] : [],
    );
    // Numbered over all buttons, like renderCardText, so 审批's <序号> means the same everywhere.
    if (hints.length) lines.push("", ...hints);
  }
  // DingTalk shows the title in the notification and the chat list; keep it short.
  return { title: card.title.slice(0, 60), text: lines.join("\n") };
}

/**
 * Template variables (all strings, B7.3): title, markdown (the body without title and footer),
 * footer, buttons (JSON `[{text, key, style}]` — the template's button must send `params.key`
 * back on a click), links (JSON `[{text, url}]`) and decided ("true" once a decision is taken).
 */
export function cardParamMap(card: Card): Record<string, string> {
  // renderCardMarkdown always opens with the title line; the template shows the title itself.
  const body = renderCardMarkdown({ ...card, title: "", footer: undefined, buttons: [] })
    .split("\n")
    .slice(1)
    .join("\n")
    .trim();
  const buttons = card.buttons.flatMap((b) =>
    b.action ? [{ text: b.text, key: encodeActionKey(b.action), style: b.style ?? "normal" }] : [],
  );
  const links = card.buttons.flatMap((b) => (b.url ? [{ text: b.text, url: b.url }] : []));
  return {
    title: card.title,
    subtitle: card.subtitle ?? "",
    markdown: body,
    footer: card.footer ?? "",
    buttons: JSON.stringify(buttons),
    links: JSON.stringify(links),
    decided: card.footer ? "true" : "false",
  };
}
