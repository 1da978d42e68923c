import type { CommandDef } from "../bot/command.ts";
import { text } from "../bot/types.ts";
import { formatBoard, formatSourceHealth, healthBoard, sourceHealth } from "../src/health/index.ts";
import { SOURCE_NAMES } from "../src/sources/index.ts";

/** 健康 / health — the interface-health board, or one source in detail. */
export const health: CommandDef = {
  name: "健康",
  aliases: ["health"],
  usage: ["健康", "健康 <来源>(如 shopee、taobao、logistics)"],
  summary: "接口健康看板:各来源的包体、字段变化、延迟、错误、重复、乱序、静默",
  async handle(ctx, { tokens }) {
    const { db, config, health: monitor } = ctx.deps;
    const tz = config.TZ_DISPLAY;
    const source = tokens[0]?.toLowerCase();
    if (!source) return text(formatBoard(await healthBoard(db), tz));
    if (!(SOURCE_NAMES as readonly string[]).includes(source))
      return text(`没有来源「${tokens[0]}」。可选:${SOURCE_NAMES.join("、")},例如:健康 shopee`);
    return text(formatSourceHealth(await sourceHealth(db, source, ctx.now, monitor.settings), tz));
  },
};
