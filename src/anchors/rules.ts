import jsonLogic, { type RulesLogic } from "json-logic-js";
import { z } from "zod";
import type { RuleEffect } from "../db/schema/order-events.ts";
import { EVENT_SOURCES, type EventSource } from "../sources/types.ts";
import { ANCHORS } from "./anchor.ts";
import rulesFile from "./rules.json" with { type: "json" };

/**
 * Anchor rules are data (rules.json), evaluated with JsonLogic: conditions are plain JSON that
 * can be listed, explained in chat and checked at start, and evaluation is synchronous and cheap
 * enough to run on every event (json-rules-engine is async and heavier for the same job).
 */
const ruleSchema = z
  .object({
    id: z.string().min(1),
    source: z.enum(EVENT_SOURCES),
    group: z.string().min(1),
    when: z.record(z.string(), z.unknown()),
    anchor: z.enum(ANCHORS as [string, ...string[]]).optional(),
    after_sale: z.enum(["open", "closed"]).optional(),
    note: z.string(),
  })
  .refine((r) => r.anchor !== "after_sale", {
    message: "use after_sale: open instead of anchor: after_sale",
  });

export type AnchorRule = z.infer<typeof ruleSchema>;

export interface RuleSet {
  rules: AnchorRule[];
  /** Every group's rules, first match wins, for each source. */
  evaluate(source: EventSource, fields: Record<string, unknown>): RuleEffect[];
  byId(id: string): AnchorRule | undefined;
}

export function loadRules(raw: unknown = rulesFile): RuleSet {
  const parsed = z.object({ rules: z.array(ruleSchema) }).parse(raw);
  const ids = new Set<string>();
  for (const r of parsed.rules) {
    if (ids.has(r.id)) throw new Error(`duplicate anchor rule id ${r.id}`);
    ids.add(r.id);
    if (!jsonLogic.is_logic(r.when)) throw new Error(`anchor rule ${r.id}: "when" is not JsonLogic`);
  }
  const bySource = new Map<EventSource, Map<string, AnchorRule[]>>();
  for (const r of parsed.rules) {
    const groups = bySource.get(r.source) ?? new Map<string, AnchorRule[]>();
    groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
    bySource.set(r.source, groups);
  }
  const index = new Map(parsed.rules.map((r) => [r.id, r]));
  return {
    rules: parsed.rules,
    byId: (id) => index.get(id),
    evaluate(source, fields) {
      const effects: RuleEffect[] = [];
      for (const group of bySource.get(source)?.values() ?? []) {
        const hit = group.find((r) => jsonLogic.truthy(jsonLogic.apply(r.when as RulesLogic, fields)));
        if (!hit) continue;
        const effect: RuleEffect = { ruleId: hit.id };
        if (hit.anchor) effect.anchor = hit.anchor;
        if (hit.after_sale) effect.afterSale = hit.after_sale;
        effects.push(effect);
      }
      return effects;
    },
  };
}
