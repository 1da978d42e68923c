export {
  ACTION_LABELS,
  burstScore,
  findRule,
  type ParamSpec,
  RULES,
  type RuleDef,
  ruleById,
} from "./catalog.ts";
export {
  type AlertCenter,
  activeSilences,
  createAlertCenter,
  DECISIONS,
  type Decision,
  decisionActions,
  hitLines,
  hitTitle,
  silenceRule,
  unsilenceRule,
} from "./center.ts";
export {
  decideHeldOrder,
  decideHit,
  describeDecision,
  isDecision,
  OUTCOME_LABELS,
  openHitForOrder,
} from "./decide-hit.ts";
export { effectOf, getHit, type HitRow, listHits, type RuleEffect, ruleEffects } from "./effect.ts";
export { type AlertContext, evaluateOrderRules } from "./evaluate.ts";
export { formatEffect } from "./format.ts";
export { raiseAlert } from "./raise-alert.ts";
export { ALERT_ATTENTIONS, type RecordedHit, recordHit } from "./record-hit.ts";
export {
  describeValue,
  LEVELS,
  loadRuleStates,
  type RuleState,
  ruleNamed,
  setRuleEnabled,
  setRuleParams,
} from "./rule-state.ts";
