import type { CommandDef } from "../bot/command.ts";
import { text } from "../bot/types.ts";
import { AppError } from "../src/errors.ts";
import { FACT_COLUMNS, formatCaliber } from "../src/facts/index.ts";

/** 口径 / caliber — a metric's definition and lineage, or one wide-table column's lineage. */
export const caliber: CommandDef = {
  name: "口径",
  aliases: ["caliber", "lineage"],
  usage: ["口径 <指标或字段>", "口径 字段"],
  summary: "看指标的定义(口径)和数据血缘:每个宽表字段的来源系统、加工规则、负责人",
  async handle(_ctx, { tokens }) {
    const name = tokens.join(" ");
    if (!name)
      throw new AppError(
        "bad_request",
        "请写指标或字段名,例如:口径 客单价、口径 paid_at;「口径 字段」列出全部字段",
      );
    if (name === "字段" || name.toLowerCase() === "columns")
      return text(
        [
          "宽表 order_facts 的字段(「口径 <字段>」看来源、规则和负责人):",
          ...FACT_COLUMNS.map((c) => `• ${c.name}(${c.zh})— ${c.owner}`),
        ].join("\n"),
      );
    const answer = formatCaliber(name);
    if (!answer)
      throw new AppError(
        "not_found",
        `没有叫「${name}」的指标或字段。发「指标」看全部指标,「口径 字段」看全部字段`,
      );
    return text(answer);
  },
};
