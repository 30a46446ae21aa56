// The precompiled form of policies and exceptions that evaluation runs on. Built once per PolicySet.

import { autogenApplies, computeAutogenRules, type RawRule } from './autogen';
import { compileMatchBlock, kindNames, type MatchBlock } from './match';
import { compileSelector, isRecord, scalarText, type LabelSelector } from './selector';
import type { LoadedException, LoadedPolicy, RuleForm, SourceRef } from './types';

export interface FailureActionOverride {
  action: string;
  /** undefined when the override lists no namespaces (it then applies everywhere). */
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
}

export interface ForeachSpec {
  list: string;
  elementScope?: boolean;
  context: unknown[];
  preconditions: unknown;
  pattern?: unknown;
  anyPattern?: unknown[];
  /** Present when the entry has a `deny` block; `conditions` may be undefined. */
  deny?: { conditions: unknown };
  foreach?: ForeachSpec[];
}

export interface ValidateSpec {
  form: RuleForm;
  message?: string;
  pattern?: unknown;
  anyPattern?: unknown[];
  /** `validate.deny.conditions` (any/all block or legacy list); undefined when deny has no conditions. */
  deny?: unknown;
  foreach?: ForeachSpec[];
  /** For validate.cel: the whole rule as evaluated (after autogen), which the CEL engine compiles. */
  celRule?: RawRule;
  failureAction?: string;
  failureActionOverrides: FailureActionOverride[];
}

export interface CompiledRule {
  name: string;
  match: MatchBlock;
  exclude?: MatchBlock;
  context: unknown[];
  preconditions: unknown;
  /** Kyverno `rule.HasValidate()`; only such rules produce validation results. */
  hasValidate: boolean;
  /** Set when the validate form is one this engine evaluates. */
  validate?: ValidateSpec;
  /** The rule JSON as evaluated (after autogen), for textual checks. */
  text: string;
  /** The rule JSON without its context entries: what may refer to a context entry by name. */
  referenceText: string;
  /** Whether the rule can read the `images` variable (it is only built then). */
  usesImages: boolean;
  source?: SourceRef;
}

export interface CompiledPolicy {
  loaded: LoadedPolicy;
  namespaced: boolean;
  annotations: Record<string, string>;
  validationFailureAction: string;
  failureActionOverrides: FailureActionOverride[];
  applyOne: boolean;
  rawRules: RawRule[];
  baseRules: CompiledRule[];
  sources: (SourceRef | undefined)[];
  autogenAllowed: boolean;
  byKind: Map<string, CompiledRule[]>;
}

export interface ExceptionEntry { policyName: string; ruleNames: string[] }

export interface CompiledException {
  loaded: LoadedException;
  entries: ExceptionEntry[];
  match: MatchBlock;
  conditions?: unknown;
  /** Whether the conditions can read the `images` variable. */
  usesImages: boolean;
}

export function compileOverrides(raw: unknown): FailureActionOverride[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).map((o) => ({
    action: scalarText(o.action),
    namespaces: Array.isArray(o.namespaces) ? o.namespaces.map(scalarText) : undefined,
    namespaceSelector: o.namespaceSelector !== undefined && o.namespaceSelector !== null ? compileSelector(o.namespaceSelector) : undefined,
  }));
}

export function compileForeach(raw: unknown): ForeachSpec[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).map((f) => ({
    list: typeof f.list === 'string' ? f.list : '',
    elementScope: typeof f.elementScope === 'boolean' ? f.elementScope : undefined,
    context: Array.isArray(f.context) ? f.context : [],
    preconditions: f.preconditions,
    pattern: f.pattern ?? undefined,
    anyPattern: Array.isArray(f.anyPattern) ? f.anyPattern : undefined,
    deny: isRecord(f.deny) ? { conditions: f.deny.conditions } : undefined,
    foreach: Array.isArray(f.foreach) ? compileForeach(f.foreach) : undefined,
  }));
}

/** The validate form, or undefined when the rule is not one this engine evaluates. */
export function validateForm(validate: Record<string, unknown>): RuleForm | undefined {
  if (validate.deny !== undefined && validate.deny !== null) return 'deny';
  if (validate.pattern !== undefined && validate.pattern !== null) return 'pattern';
  if (validate.anyPattern !== undefined && validate.anyPattern !== null) return 'anyPattern';
  if (Array.isArray(validate.foreach) && validate.foreach.length > 0) return 'foreach';
  if (isRecord(validate.cel)) return 'cel';
  return undefined;
}

export function compileRule(raw: RawRule, source: SourceRef | undefined): CompiledRule {
  const validate = isRecord(raw.validate) ? raw.validate : undefined;
  const rule: CompiledRule = {
    name: typeof raw.name === 'string' ? raw.name : '',
    match: compileMatchBlock(raw.match),
    exclude: isRecord(raw.exclude) ? compileMatchBlock(raw.exclude) : undefined,
    context: Array.isArray(raw.context) ? raw.context : [],
    preconditions: raw.preconditions,
    hasValidate: validate !== undefined && Object.keys(validate).length > 0,
    text: JSON.stringify(raw),
    referenceText: JSON.stringify({ ...raw, context: undefined }),
    usesImages: false,
    source,
  };
  rule.usesImages = rule.text.includes('images');
  if (validate !== undefined) {
    const form = validateForm(validate);
    if (form !== undefined) {
      rule.validate = {
        form,
        message: typeof validate.message === 'string' && validate.message !== '' ? validate.message : undefined,
        pattern: form === 'pattern' ? validate.pattern : undefined,
        anyPattern: form === 'anyPattern' && Array.isArray(validate.anyPattern) ? validate.anyPattern : undefined,
        deny: form === 'deny' && isRecord(validate.deny) ? validate.deny.conditions : undefined,
        foreach: form === 'foreach' ? compileForeach(validate.foreach) : undefined,
        celRule: form === 'cel' ? raw : undefined,
        failureAction: typeof validate.failureAction === 'string' ? validate.failureAction : undefined,
        failureActionOverrides: compileOverrides(validate.failureActionOverrides),
      };
    }
  }
  return rule;
}

/** The rules `ComputeRules(policy, kind)` yields for a resource kind, compiled once per kind. */
export function rulesForKind(policy: CompiledPolicy, kind: string): CompiledRule[] {
  if (!autogenApplies(policy.annotations, kind, policy.autogenAllowed)) return policy.baseRules;
  const cached = policy.byKind.get(kind);
  if (cached !== undefined) return cached;
  const { rules, generatedFrom } = computeAutogenRules(policy.rawRules, kind);
  const compiled = rules.map((raw, i) => {
    const origin = generatedFrom[i];
    if (origin === undefined) {
      const index = policy.rawRules.indexOf(raw);
      return index >= 0 ? policy.baseRules[index] : compileRule(raw, undefined);
    }
    return compileRule(raw, policy.sources[origin]);
  });
  policy.byKind.set(kind, compiled);
  return compiled;
}

/** Kind names any rule of the policy can match, for a cheap "can this document matter at all" test. */
export function policyKinds(policy: CompiledPolicy, controllers: readonly string[]): string[] {
  const kinds: string[] = [];
  for (const rule of policy.baseRules) if (rule.hasValidate) kinds.push(...kindNames(rule.match));
  if (policy.autogenAllowed) kinds.push(...controllers.filter((c) => autogenApplies(policy.annotations, c, true)));
  const annotation = policy.annotations['pod-policies.kyverno.io/autogen-controllers'];
  if (policy.autogenAllowed && annotation !== undefined) kinds.push(...annotation.split(','));
  return kinds;
}
