import { type Card, type CardButton, type CardField, encodeActionKey } from "../card.ts";
import { renderCardMarkdown } from "../render-text.ts";
import { splitByBytes } from "../text.ts";

/** WeCom's documented limits for `button_interaction` cards and app messages (PLATFORMS.md A4). */
export const WECOM_LIMITS = {
  title: 36,
  desc: 44,
  subTitle: 160,
  horizontalItems: 6,
  keyname: 5,
  value: 30,
  buttons: 6,
  buttonText: 10,
  keyBytes: 1024,
  replaceText: 10,
  messageBytes: 2048,
} as const;

/** The grey button text on a decided card; the footer itself goes into the sub title. */
const DECIDED_TEXT = "已处理";
const STYLE = { primary: 1, normal: 2, danger: 3 } as const;

const graphemes = new Intl.Segmenter("zh", { granularity: "grapheme" });

/**
 * Shortens to at most `max` UTF-16 units with an ellipsis, cutting only between graphemes so no
 * emoji, surrogate pair or combining mark is split. Counting UTF-16 units keeps us inside the
 * limit whether WeCom counts code units or characters.
 */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${s.slice(0, graphemeCut(s, max - 1))}…`;
}

/**
 * The largest grapheme boundary at or before `limit`. Only a small window before the limit is
 * segmented: Intl.Segmenter allocates heavily per character, and a card is rendered for every
 * look-up. A cluster longer than the window (rare: stacked combining marks) falls back to the
 * whole prefix.
 */
function graphemeCut(s: string, limit: number): number {
  for (const window of [48, limit]) {
    const start = Math.max(0, limit - window);
    let cut = -1;
    for (const { index, segment } of graphemes.segment(s.slice(start, limit + 16))) {
      const end = start + index + segment.length;
      if (end > limit) break;
      if (index > 0 || start === 0) cut = end;
    }
    if (cut >= 0) return cut;
  }
  return 0;
}

/** http(s) links only: WeCom card links do not take tel: or other schemes. */
const webUrl = (url: string | undefined) => (url && /^https?:\/\//i.test(url) ? url : undefined);
const bytes = (s: string) => Buffer.byteLength(s, "utf8");

type Horizontal = { type?: 1; keyname: string; value: string; url?: string };
type Button = { type?: 1; text: string; style: number; key?: string; url?: string };

/** Short fields (and web links) go side by side; the rest become lines of the sub title. */
function layoutFields(fields: CardField[]): { horizontal: Horizontal[]; spilled: string[] } {
  const horizontal: Horizontal[] = [];
  const spilled: string[] = [];
  for (const f of fields) {
    const room = horizontal.length < WECOM_LIMITS.horizontalItems;
    const link = webUrl(f.url);
    if (room && link) {
      // A link keeps working when its label is shortened, so links are clipped, not spilled.
      horizontal.push({
        type: 1,
        keyname: clip(f.label, WECOM_LIMITS.keyname),
        value: clip(f.value || "打开", WECOM_LIMITS.value),
        url: link,
      });
    } else if (
      room &&
      f.label.length <= WECOM_LIMITS.keyname &&
      f.value.length <= WECOM_LIMITS.value &&
      f.label
    ) {
      horizontal.push({ keyname: f.label, value: f.value });
    } else {
      spilled.push(`${f.label}:${f.value}${link ? ` ${link}` : ""}`);
    }
  }
  return { horizontal, spilled };
}

function renderButtons(buttons: CardButton[]): { list: Button[]; spilled: string[] } {
  const list: Button[] = [];
  const spilled: string[] = [];
  for (const b of buttons) {
    const style = STYLE[b.style ?? "primary"];
    const text = clip(b.text, WECOM_LIMITS.buttonText);
    if (b.action) {
      const key = encodeActionKey(b.action);
      // A key cannot be shortened without breaking the click; payloads are ids, so this is a bug guard.
      if (bytes(key) <= WECOM_LIMITS.keyBytes) list.push({ text, style, key });
    } else if (webUrl(b.url)) {
      list.push({ type: 1, text, style, url: webUrl(b.url) });
    } else if (b.url) {
      // tel: and other schemes are not allowed as button links; show them as text instead.
      spilled.push(`${b.text}:${b.url.replace(/^tel:/i, "")}`);
    }
  }
  return { list: list.slice(0, WECOM_LIMITS.buttons), spilled };
}

/** The neutral card as a WeCom `template_card` of type `button_interaction` (task_id = card.id). */
export function renderTemplateCard(card: Card): Record<string, unknown> {
  const { horizontal, spilled } = layoutFields(card.fields);
  const buttons = renderButtons(card.buttons);
  const sub = [card.footer ? `【${card.footer}】` : "", ...spilled, ...(card.lines ?? []), ...buttons.spilled]
    .filter((l) => l.length > 0)
    .join("\n");
  const out: Record<string, unknown> = {
    card_type: "button_interaction",
    task_id: card.id,
    main_title: {
      title: clip(card.title, WECOM_LIMITS.title),
      ...(card.subtitle ? { desc: clip(card.subtitle, WECOM_LIMITS.desc) } : {}),
    },
  };
  if (sub) out.sub_title_text = clip(sub, WECOM_LIMITS.subTitle);
  if (horizontal.length) out.horizontal_content_list = horizontal;
  let list = buttons.list;
  if (card.footer) {
    // button_interaction needs a button even when decided; replace_text greys the area out anyway.
    if (list.length === 0)
      list = [
        {
          text: DECIDED_TEXT,
          style: STYLE.normal,
          key: encodeActionKey({ id: "decided", payload: card.id }),
        },
      ];
    out.replace_text = DECIDED_TEXT;
  }
  out.button_list = list;
  return out;
}

/** The markdown fallback, split into messages of at most 2048 bytes. */
export function renderMarkdownMessages(card: Card): string[] {
  return splitByBytes(renderCardMarkdown(card), WECOM_LIMITS.messageBytes);
}
