export { ANCHOR_LABELS, ANCHORS, type Anchor, isAnchor, MAIN_LINE, mainRank } from "./anchor.ts";
export { compareEvents, type FoldEvent, type FoldResult, foldAnchor } from "./fold.ts";
export { recomputeAnchor } from "./recompute.ts";
export { type AnchorRule, loadRules, type RuleSet } from "./rules.ts";
