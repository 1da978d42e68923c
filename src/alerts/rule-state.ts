import type { Reader, Tx } from "../db/client.ts";
import { type AlertLevel, alertRules } from "../db/schema/index.ts";
import { AppError } from "../errors.ts";
import { defaultParams, findRule, type ParamSpec, type Params, RULES, type RuleDef } from "./catalog.ts";

/** A rule with what people set: on/off, level, parameters (defaults where nothing was set). */
export interface RuleState {
  rule: RuleDef;
  enabled: boolean;
  level: AlertLevel;
  params: Params;
  updatedAt: number | null;
  updatedBy: string | null;
}

export const LEVELS: readonly AlertLevel[] = ["P1", "P2", "P3"];

/** Every rule's state; a rule nobody changed yet is on, at its default level and parameters. */
export async function loadRuleStates(db: Reader): Promise<RuleState[]> {
  const rows = new Map((await db.select().from(alertRules)).map((r) => [r.id, r]));
  return RULES.map((rule) => {
    const row = rows.get(rule.id);
    const params = defaultParams(rule);
    for (const spec of rule.params) {
      const v = row?.params[spec.key];
      if (v !== undefined && validValue(spec, v)) params[spec.key] = v as number | string[];
    }
    return {
      rule,
      enabled: row?.enabled ?? true,
      level: row?.level ?? rule.level,
      params,
      updatedAt: row?.updatedAt ?? null,
      updatedBy: row?.updatedBy ?? null,
    };
  });
}

function validValue(spec: ParamSpec, v: unknown): boolean {
  if (spec.kind === "int")
    return Number.isInteger(v) && (v as number) >= spec.min && (v as number) <= spec.max;
  return Array.isArray(v) && v.length > 0 && v.every((w) => typeof w === "string" && w.length > 0);
}

/**
 * Rule states for the per-event path, read again at most every `ttlMs` (other processes' changes
 * arrive within that) and at once after a change made here.
 */
export function createRuleCache(ttlMs = 2_000) {
  let cached: { at: number; states: RuleState[] } | null = null;
  return {
    async get(db: Reader, now: number): Promise<RuleState[]> {
      if (!cached || now - cached.at > ttlMs || now < cached.at)
        cached = { at: now, states: await loadRuleStates(db) };
      return cached.states;
    },
    invalidate() {
      cached = null;
    },
  };
}
export type RuleCache = ReturnType<typeof createRuleCache>;

/** The rule people named, or a clear error listing the names they can use. */
export function ruleNamed(name: string | undefined): RuleDef {
  const rule = name ? findRule(name) : null;
  if (rule) return rule;
  throw new AppError(
    name ? "not_found" : "bad_request",
    `${name ? `没有规则「${name}」` : "请写规则名"}。规则:${RULES.map((r) => `${r.name}(${r.id})`).join("、")}`,
  );
}

async function save(tx: Tx, s: RuleState, by: string, now: number) {
  const row = { enabled: s.enabled, level: s.level, params: s.params, updatedAt: now, updatedBy: by };
  await tx
    .insert(alertRules)
    .values({ id: s.rule.id, ...row })
    .onConflictDoUpdate({ target: alertRules.id, set: row });
}

async function stateOf(tx: Tx, rule: RuleDef): Promise<RuleState> {
  return (await loadRuleStates(tx)).find((s) => s.rule.id === rule.id)!;
}

export async function setRuleEnabled(
  tx: Tx,
  input: { rule: RuleDef; enabled: boolean; by: string; now: number },
): Promise<{ before: boolean; state: RuleState }> {
  const s = await stateOf(tx, input.rule);
  const before = s.enabled;
  const next = { ...s, enabled: input.enabled };
  await save(tx, next, input.by, input.now);
  return { before, state: next };
}

export interface ParamChange {
  key: string;
  from: unknown;
  to: unknown;
}

/** Parses "key=value" (key or its Chinese label; `level=P2` too), validates, saves; all or nothing. */
export async function setRuleParams(
  tx: Tx,
  input: { rule: RuleDef; assignments: string[]; by: string; now: number },
): Promise<{ changes: ParamChange[]; state: RuleState }> {
  const s = await stateOf(tx, input.rule);
  if (input.assignments.length === 0)
    throw new AppError("bad_request", `请写 参数=值,如 ${example(input.rule)}。${paramHelp(input.rule)}`);
  const params: Params = { ...s.params };
  let level = s.level;
  const changes: ParamChange[] = [];
  for (const a of input.assignments) {
    const m = /^([^=]+)=(.*)$/.exec(a.trim());
    if (!m) throw new AppError("bad_request", `「${a}」不是 参数=值 的写法,如 ${example(input.rule)}`);
    const key = m[1]!.trim();
    const raw = m[2]!.trim();
    if (key === "level" || key === "级别") {
      const v = raw.toUpperCase() as AlertLevel;
      if (!LEVELS.includes(v)) throw new AppError("bad_request", `级别只能是 P1、P2 或 P3,不是「${raw}」`);
      changes.push({ key: "level", from: level, to: v });
      level = v;
      continue;
    }
    const spec = input.rule.params.find((p) => p.key === key || p.label === key);
    if (!spec)
      throw new AppError(
        "bad_request",
        `规则「${input.rule.name}」没有参数「${key}」。${paramHelp(input.rule)}`,
      );
    const value = parseValue(spec, raw, params[spec.key]);
    changes.push({ key: spec.key, from: params[spec.key], to: value });
    params[spec.key] = value;
  }
  const next = { ...s, params, level };
  await save(tx, next, input.by, input.now);
  return { changes, state: next };
}

function parseValue(spec: ParamSpec, raw: string, current: unknown): number | string[] {
  if (spec.kind === "int") {
    const text = raw
      .replace(/^¥/, "")
      .replace(new RegExp(`${spec.unit ?? "$^"}$`), "")
      .trim();
    const n = Number(text);
    if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n) || n < spec.min || n > spec.max)
      throw new AppError(
        "bad_request",
        `${spec.label}(${spec.key})要 ${spec.min}–${spec.max} 之间的整数${spec.unit ? `,单位 ${spec.unit}` : ""},不是「${raw}」`,
      );
    return n;
  }
  const list = raw
    .split(/[,,、;;]/)
    .map((w) => w.trim())
    .filter(Boolean);
  let out: string[];
  if (list.length && list.every((w) => /^[+-]/.test(w))) {
    out = [...(current as string[])];
    for (const w of list) {
      const word = w.slice(1).trim();
      if (w.startsWith("+") && !out.includes(word)) out.push(word);
      if (w.startsWith("-")) out = out.filter((x) => x !== word);
    }
  } else out = list;
  if (out.length === 0 || out.some((w) => w.length > 20 || !w))
    throw new AppError(
      "bad_request",
      `${spec.label}(${spec.key})要至少一个词,用逗号分隔,每个不超过 20 字;+词 添加,-词 删除`,
    );
  return [...new Set(out)];
}

export function describeValue(spec: ParamSpec, v: unknown): string {
  return spec.kind === "words" ? (v as string[]).join("、") : `${v}${spec.unit ?? ""}`;
}

function paramHelp(rule: RuleDef): string {
  return `可设置:${rule.params.map((p) => `${p.key}(${p.label})`).join("、")}、level(级别 P1/P2/P3)`;
}

function example(rule: RuleDef): string {
  const p = rule.params[0]!;
  return `「规则 设置 ${rule.name} ${p.key}=${p.kind === "int" ? p.default : "+民宿"}」`;
}
