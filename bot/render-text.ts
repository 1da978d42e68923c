import type { Card } from "./card.ts";

/** A card as plain text with numbered buttons: the console and plain-text fallbacks. */
export function renderCardText(card: Card): string {
  const out: string[] = [`【${card.title}】`];
  if (card.subtitle) out.push(card.subtitle);
  for (const f of card.fields)
    out.push(`${f.label}:${f.value}${f.url && !f.url.startsWith("tel:") ? ` (${f.url})` : ""}`);
  if (card.lines?.length) out.push("", ...card.lines);
  if (card.footer) out.push("", `— ${card.footer}`);
  card.buttons.forEach((b, i) => {
    out.push(`  [${i + 1}] ${b.text}${b.url ? ` → ${b.url}` : ""}`);
  });
  return out.join("\n");
}

/** A card as markdown (WeCom markdown, DingTalk markdown); link buttons become links. */
export function renderCardMarkdown(card: Card): string {
  const out: string[] = [`**${card.title}**`];
  if (card.subtitle) out.push(`> ${card.subtitle}`);
  for (const f of card.fields) out.push(`- ${f.label}:${f.url ? `[${f.value}](${f.url})` : f.value}`);
  if (card.lines?.length) out.push("", ...card.lines.map((l) => (l ? `> ${l}` : "")));
  const links = card.buttons.filter((b) => b.url).map((b) => `[${b.text}](${b.url})`);
  if (links.length) out.push("", links.join("  "));
  if (card.footer) out.push("", `*${card.footer}*`);
  return out.join("\n");
}
