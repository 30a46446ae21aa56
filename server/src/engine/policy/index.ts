// Kyverno policies: loading, match/exclude, autogen, failure actions, exceptions and evaluation.
export { PolicySet, evaluateParsedDocument } from './policySet';
export { isPolicyDocument } from './load';
export type { CliValues, EvaluateOptions } from './evaluate';
export type { AdmissionInfo } from './match';
export type {
  FailureAction, LoadedException, LoadedPolicy, LoadedRule, PolicyLoadError, ResourceRef, RuleForm, RuleResult, RuleStatus, SourceRef, Violation,
} from './types';
