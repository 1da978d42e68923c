import type { RuleEffect } from "../db/schema/order-events.ts";
import { type Anchor, MAIN_LINE, mainRank } from "./anchor.ts";

export interface FoldEvent {
  id: number;
  source: string;
  sourceEventId: string;
  eventTime: number;
  effects: RuleEffect[];
}

export interface FoldResult {
  anchor: Anchor;
  /** The event and rule that put the order on its current anchor. */
  cause: { eventId: number; ruleId: string } | null;
  /** Effects that were refused (e.g. a cancellation after the goods left), by event id. */
  refused: Array<{ eventId: number; ruleId: string; reason: string }>;
}

const SHIPPED = mainRank("shipped_at_warehouse");

/** Event time decides; ties are broken by content, never by arrival, so any arrival order folds alike. */
export function compareEvents(a: FoldEvent, b: FoldEvent): number {
  return (
    a.eventTime - b.eventTime ||
    (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) ||
    (a.sourceEventId < b.sourceEventId ? -1 : a.sourceEventId > b.sourceEventId ? 1 : 0)
  );
}

/**
 * The anchor is a function of the set of events, not of their arrival: events are sorted by event
 * time, the main line only moves forward (max rank), after-sale is open while any source's latest
 * word says so, and exits follow their own rules: a cancellation counts only before the goods left
 * the warehouse; refunded and closed are final.
 */
export function foldAnchor(events: readonly FoldEvent[]): FoldResult {
  const sorted = [...events].sort(compareEvents);
  let rank = -1;
  let rankCause: FoldResult["cause"] = null;
  let exit: { anchor: Anchor; cause: NonNullable<FoldResult["cause"]> } | null = null;
  // Per source, the latest (in event order) word that after-sale is open.
  const afterSale = new Map<string, { cause: NonNullable<FoldResult["cause"]>; pos: number }>();
  const refused: FoldResult["refused"] = [];

  for (const [pos, e] of sorted.entries()) {
    for (const eff of e.effects) {
      const cause = { eventId: e.id, ruleId: eff.ruleId };
      if (eff.afterSale === "open") afterSale.set(e.source, { cause, pos });
      if (eff.afterSale === "closed") afterSale.delete(e.source);
      if (!eff.anchor) continue;
      const r = mainRank(eff.anchor);
      if (r >= 0) {
        if (r > rank) {
          rank = r;
          rankCause = cause;
        }
        continue;
      }
      if (exit && exit.anchor !== "cancelled") {
        refused.push({ ...cause, reason: `order already ${exit.anchor}` });
      } else if (eff.anchor === "cancelled") {
        if (exit) continue;
        if (rank >= SHIPPED) refused.push({ ...cause, reason: "goods already left the warehouse" });
        else exit = { anchor: "cancelled", cause };
      } else {
        // refunded / closed: final, and they override an earlier cancellation.
        exit = { anchor: eff.anchor as Anchor, cause };
      }
    }
  }
  if (exit) return { anchor: exit.anchor, cause: exit.cause, refused };
  if (afterSale.size > 0) {
    const latest = [...afterSale.values()].sort((a, b) => a.pos - b.pos).at(-1)!;
    return { anchor: "after_sale", cause: latest.cause, refused };
  }
  if (rank < 0) return { anchor: "created", cause: null, refused };
  return { anchor: MAIN_LINE[rank]!, cause: rankCause, refused };
}
