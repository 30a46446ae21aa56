// Kyverno's `validate.pattern` language: wildcards, scalar operators, anchors and the tree walk.
export { wildcardMatch } from './wildcard';
export { validateValue } from './validateValue';
export { evaluatePattern } from './matchPattern';
export type { PatternOutcome, EvaluateOptions } from './matchPattern';
