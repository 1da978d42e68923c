import type { RuleEffect } from "./effect.ts";

const yuan = (cents: number) => `¥${(cents / 100).toFixed(2)}`;

/** A rule's effect in one line: hits, decisions, false-positive rate and the money at stake. */
export function formatEffect(e: RuleEffect): string {
  if (e.hits === 0) return "无命中";
  const fp = e.falsePositiveRate === null ? "—" : `${Math.round(e.falsePositiveRate * 100)}%`;
  return [
    `命中 ${e.hits} 次(${e.groups} 组)`,
    `已决 ${e.decided} / 待决 ${e.undecided}${e.expired ? ` / 超时 ${e.expired}` : ""}`,
    `放行 ${e.approved} · 拦截 ${e.rejected} · 冻结 ${e.frozen}`,
    `误报率 ${fp}`,
    `暂停金额 ${yuan(e.amountHeld)}`,
    `拦截金额 ${yuan(e.amountStopped)}`,
  ].join(" · ");
}
