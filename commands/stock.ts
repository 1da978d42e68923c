import type { CommandDef } from "../bot/command.ts";
import { shortTime } from "../bot/text.ts";
import { text } from "../bot/types.ts";
import { AppError } from "../src/errors.ts";
import { getSku, stockBoard } from "../src/inventory/index.ts";

const MOVE_LABELS: Record<string, string> = {
  reserve: "预占",
  release: "释放",
  deduct: "扣减",
  set: "盘点",
  restock: "补货",
  return: "退货入库",
};

/** 库存 / stock — one SKU, or 库存 水位: the stock-level board. */
export const stock: CommandDef = {
  name: "库存",
  aliases: ["stock", "inventory"],
  usage: ["库存 <SKU>", "库存 水位"],
  summary: "查 SKU 库存(在库、预占、可售、安全线),或看库存水位榜",
  async handle(ctx, { tokens }) {
    const arg = tokens[0];
    const settings = ctx.deps.settings;
    if (!arg) throw new AppError("bad_request", "请写 SKU 编码,例如:库存 SKU-1;或 库存 水位");
    if (["水位", "board", "levels", "water"].includes(arg.toLowerCase())) {
      const rows = await stockBoard({ db: ctx.deps.db, settings, limit: 15 });
      if (rows.length === 0)
        return text("还没有设置安全库存的 SKU。用 PUT /api/v1/skus/<sku> 设置 safety_stock。");
      const lines = rows.map((s) => {
        const pct = s.safety_ratio == null ? "—" : `${Math.round(s.safety_ratio * 100)}%`;
        const flag = s.listed ? (s.available < s.safety_stock ? "⚠" : "  ") : "⛔已下架";
        return `${flag} ${s.sku}:可售 ${s.available} / 安全线 ${s.safety_stock}(${pct})在库 ${s.on_hand} 预占 ${s.reserved}`;
      });
      return text(`库存水位(离安全线最近的在前):\n${lines.join("\n")}`);
    }
    const s = await getSku({ db: ctx.deps.db, settings, sku: arg, movements: 5 });
    const out = [
      `SKU ${s.sku}${s.listed ? "" : "(⛔已下架)"}`,
      `在库 ${s.on_hand} · 预占 ${s.reserved} · 可售 ${s.available} · 安全线 ${s.safety_stock}`,
    ];
    if (s.restock_order)
      out.push(
        `补货单 #${s.restock_order.id}:建议补 ${s.restock_order.suggested_qty}(${s.restock_order.reason})`,
      );
    if (s.movements.length) {
      out.push("最近变动:");
      for (const m of s.movements) {
        const d = [
          m.delta_on_hand ? `在库 ${m.delta_on_hand > 0 ? "+" : ""}${m.delta_on_hand}` : "",
          m.delta_reserved ? `预占 ${m.delta_reserved > 0 ? "+" : ""}${m.delta_reserved}` : "",
        ]
          .filter(Boolean)
          .join(" ");
        out.push(
          `• ${shortTime(Date.parse(m.at), ctx.deps.config.TZ_DISPLAY)} ${MOVE_LABELS[m.kind] ?? m.kind} ${d}${m.order_no ? ` 订单 ${m.order_no}` : ""}`,
        );
      }
    }
    return text(out.join("\n"));
  },
};
