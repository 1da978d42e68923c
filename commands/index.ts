import type { ActionDef, CommandDef } from "../bot/command.ts";
import type { Bot } from "../bot/router.ts";
import { actions } from "./actions.ts";
import { aftersale } from "./aftersale.ts";
import { alerts } from "./alerts.ts";
import { approve } from "./approve.ts";
import { caliber } from "./caliber.ts";
import { drift } from "./drift.ts";
import { freeze, unfreeze } from "./freeze.ts";
import { health } from "./health.ts";
import { help } from "./help.ts";
import { metric } from "./metric.ts";
import { order } from "./order.ts";
import { refundQuote } from "./refund-quote.ts";
import { replay } from "./replay.ts";
import { reply } from "./reply.ts";
import { report } from "./report.ts";
import { rules } from "./rules.ts";
import { scan } from "./scan.ts";
import { stock } from "./stock.ts";
import { track } from "./track.ts";
import { users } from "./users.ts";
import { why } from "./why.ts";

/** Every chat command, in the order help lists them. Later issues add theirs here. */
export const commands: CommandDef[] = [
  order,
  track,
  why,
  drift,
  stock,
  aftersale,
  refundQuote,
  scan,
  alerts,
  rules,
  freeze,
  unfreeze,
  reply,
  approve,
  users,
  report,
  metric,
  caliber,
  health,
  replay,
  help,
];

export const cardActions: ActionDef[] = actions;

export function registerCommands(bot: Bot): Bot {
  for (const c of commands) bot.command(c);
  for (const a of cardActions) bot.action(a);
  return bot;
}
