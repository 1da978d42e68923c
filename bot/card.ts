/**
 * The platform-neutral card (SPEC §3): a title, fields, lines of text and buttons. Renderers turn
 * it into WeCom `template_card`, DingTalk markdown / interactive cards, or console text.
 */
export interface Card {
  /** Unique forever (WeCom task_id rules: [0-9A-Za-z_-@], ≤ 128 bytes). */
  id: string;
  /** What the card is about (order no, alert id …), for audit and look-up. */
  subject?: string;
  /** Short kind used in card ids and audit ("order", "attention", …). */
  kind: string;
  title: string;
  subtitle?: string;
  fields: CardField[];
  /** Extra lines below the fields (timeline, lines, suggested reply). */
  lines?: string[];
  buttons: CardButton[];
  /** Shown once a decision is taken ("已由 张三 处理:…"); renderers grey the buttons out. */
  footer?: string;
}

export interface CardField {
  label: string;
  value: string;
  url?: string;
}

export interface CardButton {
  text: string;
  style?: "primary" | "danger" | "normal";
  /** A callback button: the action id and its payload, encoded into the platform's button key. */
  action?: { id: string; payload: string };
  /** A link button (tel:, https:). */
  url?: string;
}

const KEY_SEP = "|";

/** Encodes a button's action into the key the platform echoes back on a click. */
export function encodeActionKey(action: { id: string; payload: string }): string {
  if (action.id.includes(KEY_SEP)) throw new Error(`action id must not contain "${KEY_SEP}": ${action.id}`);
  return `${action.id}${KEY_SEP}${action.payload}`;
}

export function decodeActionKey(key: string): { id: string; payload: string } | null {
  const i = key.indexOf(KEY_SEP);
  if (i <= 0) return null;
  return { id: key.slice(0, i), payload: key.slice(i + 1) };
}

/** A card id safe for every platform: kind, a sanitised subject and a unique suffix. */
export function newCardId(kind: string, subject: string, now: number): string {
  const clean = (s: string) => s.replace(/[^0-9A-Za-z_\-@]/g, "_");
  const suffix = `${now.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  return `${clean(kind)}-${clean(subject).slice(0, 80)}-${suffix}`;
}

export function hasCallbacks(card: Card): boolean {
  return card.buttons.some((b) => b.action);
}

/** The card after a decision: same content, the outcome in the footer, no live buttons. */
export function decidedCard(card: Card, footer: string): Card {
  return { ...card, footer, buttons: card.buttons.filter((b) => b.url) };
}
