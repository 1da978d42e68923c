import type { Notice } from "../../src/shared/notifier.ts";
import { type Card, type CardButton, encodeActionKey } from "../card.ts";
import type { WecomApi } from "../platform-clients.ts";
import { clip, noticeMarkdown, splitForPlatform } from "./format.ts";
import type { Transport } from "./transport.ts";

/** message/send markdown content limit (PLATFORMS A4.2). */
export const WECOM_APP_MARKDOWN_MAX = 2048;
/** template_card limits (PLATFORMS A4.3). */
const MAX_BUTTONS = 6;
const SUBTITLE_CHARS = 160;

export type WecomAppMessage =
  | { msgtype: "markdown"; content: string }
  | { msgtype: "template_card"; card: Card };

/** WeCom button styles are 1..4; colours per style are not documented in PLATFORMS, 1 is the default. */
const STYLE: Record<NonNullable<CardButton["style"]>, number> = { primary: 1, normal: 2, danger: 3 };

/** A neutral card as a `button_interaction` template card; clicks come back as `encodeActionKey` keys. */
export function buttonInteractionCard(card: Card): Record<string, unknown> {
  const body = (card.lines ?? []).join("\n");
  return {
    card_type: "button_interaction",
    main_title: { title: clip(card.title, 36), ...(card.subtitle ? { desc: clip(card.subtitle, 44) } : {}) },
    ...(body ? { sub_title_text: clip(body, SUBTITLE_CHARS) } : {}),
    ...(card.fields.length
      ? {
          horizontal_content_list: card.fields
            .slice(0, 6)
            .map((f) => ({ keyname: clip(f.label, 5), value: clip(f.value, 30) })),
        }
      : {}),
    task_id: card.id,
    button_list: card.buttons.flatMap((b) =>
      b.action
        ? [{ text: clip(b.text, 10), style: STYLE[b.style ?? "primary"], key: encodeActionKey(b.action) }]
        : [],
    ),
  };
}

/**
 * The app's messages to members (`wecom-app:a|b|@all`). A notice with buttons becomes a template
 * card; when its text is longer than the card shows, the full text goes first as markdown.
 */
export function wecomAppTransport(input: { api: WecomApi; users: string[] }): Transport<WecomAppMessage> {
  const touser = input.users.join("|");
  return {
    prepare(notice: Notice, card: Card | undefined) {
      const actions = card?.buttons.filter((b) => b.action).length ?? 0;
      if (!card || actions === 0 || actions > MAX_BUTTONS) {
        return splitForPlatform(noticeMarkdown(notice, card), WECOM_APP_MARKDOWN_MAX).map((content) => ({
          msgtype: "markdown" as const,
          content,
        }));
      }
      const out: WecomAppMessage[] = [];
      if ([...notice.text].length > SUBTITLE_CHARS) {
        const full = noticeMarkdown({ ...notice, actions: undefined });
        for (const content of splitForPlatform(full, WECOM_APP_MARKDOWN_MAX))
          out.push({ msgtype: "markdown", content });
      }
      out.push({ msgtype: "template_card", card });
      return out;
    },
    async deliver(message) {
      if (message.msgtype === "markdown") {
        await input.api.sendMessage({ touser, msgtype: "markdown", markdown: { content: message.content } });
      } else {
        await input.api.sendMessage({
          touser,
          msgtype: "template_card",
          template_card: buttonInteractionCard(message.card),
        });
      }
    },
  };
}
