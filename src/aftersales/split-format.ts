import type { ComponentKind, RefundQuote } from "./split-types.ts";

const LABELS: Record<ComponentKind, string> = {
  goods: "商品",
  full_reduction: "满减",
  coupon: "优惠券",
  points: "积分",
  other: "其他优惠",
  adjustment: "尾差调整",
  shipping: "运费分摊",
};

/** Integer cents as ¥x.yz, sign in front (-¥5.83); no floats on the way. */
export function formatCents(cents: number): string {
  const abs = Math.abs(cents);
  const yuan = Math.floor(abs / 100);
  const fen = String(abs % 100).padStart(2, "0");
  return `${cents < 0 ? "-" : ""}¥${yuan}.${fen}`;
}

/**
 * A refund quote as a Markdown table in Chinese: one row per line, one column per component
 * (a discount with a name gets its own column), then shipping, the cash total and points.
 */
export function formatQuote(quote: RefundQuote): string {
  const columns: { key: string; label: string }[] = [];
  const keyOf = (component: ComponentKind, name: string | null) => `${component}\u0000${name ?? ""}`;
  for (const line of quote.lines) {
    for (const c of line.components) {
      const key = keyOf(c.component, c.name);
      if (columns.some((col) => col.key === key)) continue;
      columns.push({ key, label: c.name ? `${LABELS[c.component]}(${c.name})` : LABELS[c.component] });
    }
  }
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const out = [
    row(["行", "SKU", "件数", ...columns.map((c) => c.label), "小计"]),
    row(["---", "---", "---:", ...columns.map(() => "---:"), "---:"]),
  ];
  for (const line of quote.lines) {
    const cells = columns.map((col) => {
      const hit = line.components.find((c) => keyOf(c.component, c.name) === col.key);
      return hit ? formatCents(hit.amount) : "—";
    });
    out.push(row([String(line.lineNo), line.sku, String(line.qty), ...cells, formatCents(line.total)]));
  }
  const blanks = columns.map(() => "");
  if (quote.shipping > 0) out.push(row(["运费", "", "", ...blanks, formatCents(quote.shipping)]));
  out.push(row(["**合计**", "", "", ...blanks, `**${formatCents(quote.total)}**`]));
  out.push("");
  out.push(`退回积分:${formatCents(quote.pointsReturned)}(按积分返还,不计入现金)`);
  out.push(`整单是否退完:${quote.completesOrder ? "是" : "否"}`);
  return out.join("\n");
}
