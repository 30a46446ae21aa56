// Evaluation of CEL policies on one resource, with Kyverno's results and messages:
//  - ValidatingPolicy / NamespacedValidatingPolicy as Kyverno's vpol engine (pkg/cel/policies/vpol:
//    compiler/policy.go Evaluate, engine/engine.go handlePolicy): exceptions, matchConditions, lazy
//    variables, then validations in order; the first false or erroring validation decides. One
//    RuleResult per (policy spec, resource).
//  - ValidatingAdmissionPolicy with each of its bindings, as the API server's validator words it.
//  - ClusterPolicy `validate.cel` as Kyverno's validateCELHandler (pkg/engine/handlers/validation/
//    validate_cel.go) over the API server's validator.
// One deliberate difference: a runtime error is status `error` everywhere (Kyverno's validate.cel
// handler and a VAP with failurePolicy Fail turn it into a denial, i.e. `fail`); the message is theirs.
// Beyond Kyverno, a failing validation points at each failing image (culprits.ts).

import type { ParsedDocument } from '../yaml/model';
import { Locator } from '../policy/locate';
import { isPolicyDocument } from '../policy/load';
import { listItemViews, resourceView, topLevelScalar, type ResourceView } from '../policy/resource';
import { isRecord } from '../policy/selector';
import type { FailureAction, ResourceRef, RuleResult, RuleStatus, SourceRef, Violation } from '../policy/types';
import { baseActivation, lazyVariables, operationOf, variableLookup, type CelEvaluateOptions } from './activation';
import { findCulprits } from './culprits';
import { compileCel, evaluateCel, type CelProgram, type EvalOutcome } from './interpreter';
import { OfflineDataError, resourceOfKind } from './library';
import { matchResources, type MatchOutcome } from './matchConstraints';
import type { CelPolicy, CompiledBinding, CompiledSpec, CompiledValidation, NamedProgram } from './model';
import { toCel, toCelInput, type CelInput } from './values';

export type { CelEvaluateOptions } from './activation';

/** What one resource's evaluations share. */
class ResourceRun {
  private locatorCache: Locator | undefined;
  private base: Record<string, unknown> | undefined;
  readonly input: CelInput;

  constructor(readonly res: ResourceView, readonly options: CelEvaluateOptions, readonly ref: ResourceRef) {
    this.input = toCelInput(res.object);
  }

  get locator(): Locator {
    this.locatorCache ??= new Locator(this.res);
    return this.locatorCache;
  }

  /** A fresh activation layered over the shared one (which is never mutated). */
  activation(): Record<string, unknown> {
    this.base ??= baseActivation(this.res, this.input, this.options);
    return Object.create(this.base) as Record<string, unknown>;
  }
}

const ADMISSION_GROUP_PREFIX = 'admissionregistration.k8s.io/';

/** Resource names (plurals) some policy may match, or undefined when some rule uses `*`. */
const resourceIndex = new WeakMap<readonly CelPolicy[], Set<string> | undefined>();

function mayMatch(policies: readonly CelPolicy[], kind: string): boolean {
  let index = resourceIndex.get(policies);
  if (!resourceIndex.has(policies)) {
    const names = new Set<string>();
    let any = false;
    for (const p of policies) {
      for (const s of p.specs) {
        for (const r of s.match.resourceRules) {
          for (const entry of r.resources) {
            const res = entry.split('/')[0];
            if (res === '*') any = true;
            else names.add(res);
          }
        }
      }
    }
    index = any ? undefined : names;
    resourceIndex.set(policies, index);
  }
  return index === undefined || index.has(resourceOfKind(kind));
}

/**
 * One RuleResult per (CEL policy spec, resource) that matched, passes included; [] for documents no
 * CEL policy applies to (those cost one look at the `kind` key). Offsets are relative to the document.
 */
export function evaluateCelDocument(policies: readonly CelPolicy[], doc: ParsedDocument, options: CelEvaluateOptions = {}, documentIndex = 0): RuleResult[] {
  if (policies.length === 0 || doc.contents === null) return [];
  const kind = topLevelScalar(doc.contents, 'kind');
  if (kind === undefined || typeof kind.value !== 'string') return [];
  // A `kind: List` is split into its items, as kubectl and the Kyverno CLI do.
  const items = kind.value.endsWith('List') ? listItemViews(doc) : undefined;
  if (items !== undefined) return items.flatMap((res) => (mayMatch(policies, res.kind) ? evaluateResource(policies, res, options, documentIndex) : []));
  if (!mayMatch(policies, kind.value)) return [];
  const res = resourceView(doc);
  return res === undefined ? [] : evaluateResource(policies, res, options, documentIndex);
}

function evaluateResource(policies: readonly CelPolicy[], res: ResourceView, options: CelEvaluateOptions, documentIndex: number): RuleResult[] {
  if (isPolicyDocument(res.source) || res.apiVersion.startsWith(ADMISSION_GROUP_PREFIX)) return [];
  const ref: ResourceRef = {
    apiVersion: res.apiVersion, kind: res.kind, namespace: res.namespace, name: res.name, documentIndex, kindStart: res.kindStart, kindEnd: res.kindEnd,
  };
  const run = new ResourceRun(res, options, ref);
  const out: RuleResult[] = [];
  for (const policy of policies) out.push(...evaluatePolicy(policy, run));
  return out;
}

interface Decider {
  action: FailureAction;
  note?: string;
  binding?: CompiledBinding;
}

function evaluatePolicy(policy: CelPolicy, run: ResourceRun): RuleResult[] {
  const res = run.res;
  // A namespaced policy only sees resources of its own namespace.
  if (policy.kind === 'NamespacedValidatingPolicy' && (res.namespace === '' || res.namespace !== policy.namespace)) return [];
  const env = { operation: operationOf(run.options), namespaceLabels: namespaceLabels(run.options) };
  const out: RuleResult[] = [];
  for (const spec of policy.specs) {
    const matched = matchResources(spec.match, res, env);
    if (policy.kind === 'ValidatingAdmissionPolicy') {
      for (const binding of policy.bindings) {
        let m: MatchOutcome = matched;
        if ('matched' in m && m.matched && binding.match !== undefined) m = matchResources(binding.match, res, env);
        const decider: Decider = { action: binding.action, note: binding.actionNote, binding };
        const r = afterMatch(policy, spec, run, m, decider);
        if (r !== undefined) out.push(r);
      }
    } else {
      const r = afterMatch(policy, spec, run, matched, { action: policy.action, note: policy.actionNote });
      if (r !== undefined) out.push(r);
    }
  }
  return out;
}

function namespaceLabels(options: CelEvaluateOptions): Record<string, Readonly<Record<string, string>>> | undefined {
  if (options.namespaceObjects === undefined) return options.namespaceLabels as Record<string, Readonly<Record<string, string>>> | undefined;
  const out: Record<string, Readonly<Record<string, string>>> = { ...(options.namespaceLabels ?? {}) };
  for (const [name, ns] of Object.entries(options.namespaceObjects)) {
    if (out[name] !== undefined) continue;
    const metadata = isRecord(ns.metadata) ? ns.metadata : {};
    const labels: Record<string, string> = {};
    if (isRecord(metadata.labels)) for (const [k, v] of Object.entries(metadata.labels)) labels[k] = String(v);
    out[name] = labels;
  }
  return out;
}

function afterMatch(policy: CelPolicy, spec: CompiledSpec, run: ResourceRun, m: MatchOutcome, decider: Decider): RuleResult | undefined {
  if ('unknown' in m) return result(policy, run, decider, { status: 'skip', rule: ruleName(decider, 'matchConstraints'), message: m.unknown, violations: [] });
  if (!m.matched) return undefined;
  return evaluateSpec(policy, spec, run, decider);
}

interface Outcome {
  status: RuleStatus;
  rule: string;
  message: string;
  violations: Violation[];
  source?: SourceRef;
  ruleMessage?: string;
}

function ruleName(decider: Decider, what: string): string {
  return decider.binding !== undefined ? `${decider.binding.name}/${what}` : what;
}

function result(policy: CelPolicy, run: ResourceRun, decider: Decider, o: Outcome): RuleResult {
  const violations = o.violations;
  if ((o.status === 'fail' || o.status === 'error') && violations.length === 0) {
    violations.push(run.locator.kindViolation(o.status === 'error' ? o.message : undefined));
  }
  if (o.status === 'fail' && decider.note !== undefined) for (const v of violations) v.detail ??= decider.note;
  const r: RuleResult = {
    policy: policy.key, rule: o.rule, resource: run.ref, status: o.status, action: decider.action, message: o.message, violations: dedupe(violations),
  };
  const source = o.source ?? policy.validationsSource;
  if (source !== undefined) r.ruleSource = source;
  if (o.ruleMessage !== undefined) r.ruleMessage = o.ruleMessage;
  return r;
}

function dedupe(violations: Violation[]): Violation[] {
  const seen = new Set<string>();
  return violations.filter((v) => {
    const key = `${v.start}:${v.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** All conditions true → true; any false → false (errors then do not matter); else the errors. */
function conditionsHold(conditions: readonly NamedProgram[], activation: Record<string, unknown>): { holds: boolean } | { errors: EvalOutcome[] } {
  const errors: EvalOutcome[] = [];
  for (const c of conditions) {
    const r = evaluateCel(c.program, activation);
    if ('error' in r) {
      errors.push(r);
      continue;
    }
    if (r.value !== true) {
      if (typeof r.value === 'boolean') return { holds: false };
      errors.push({ error: `type conversion error from '${celTypeName(r.value)}' to 'bool'`, cause: undefined });
    }
  }
  return errors.length > 0 ? { errors } : { holds: true };
}

function errorsText(errors: readonly EvalOutcome[]): string {
  return errors.map((e) => ('error' in e ? e.error : '')).join('; ');
}

function celTypeName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (v === null || v === undefined) return 'null_type';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  return typeof v;
}

function paramsFor(policy: CelPolicy, binding: CompiledBinding | undefined, run: ResourceRun): { value: unknown } | { unavailable: string } {
  if (policy.paramKind === undefined || binding?.paramRef === undefined) return { value: null };
  const want = policy.paramKind;
  const ref = binding.paramRef;
  const candidates = run.options.clusterResources?.filter((r) => {
    const metadata = isRecord(r.metadata) ? r.metadata : {};
    return r.apiVersion === want.apiVersion && r.kind === want.kind && (ref.name === undefined || metadata.name === ref.name)
      && (ref.namespace === undefined || metadata.namespace === ref.namespace);
  });
  if (candidates === undefined || candidates.length === 0) {
    return { unavailable: `params needs the ${want.kind ?? 'parameter'} ${ref.name ?? ''} from the cluster` };
  }
  return { value: toCel(candidates[0]) };
}

function evaluateSpec(policy: CelPolicy, spec: CompiledSpec, run: ResourceRun, decider: Decider): RuleResult {
  const activation = run.activation();
  const params = paramsFor(policy, decider.binding, run);
  if ('value' in params) activation.params = params.value;
  else Object.defineProperty(activation, 'params', { get: () => { throw new OfflineDataError(params.unavailable); } });
  const vap = policy.kind === 'ValidatingAdmissionPolicy';

  if (!vap && policy.exceptions.length > 0) {
    const matched: typeof policy.exceptions = [];
    for (const ex of policy.exceptions) {
      const held = conditionsHold(ex.matchConditions, activation);
      if ('errors' in held) {
        return result(policy, run, decider, { status: 'error', rule: 'exception', message: `failed to load context: ${errorsText(held.errors)}`, violations: [] });
      }
      if (held.holds) matched.push(ex);
    }
    const images = matched.flatMap((e) => e.images);
    const values = matched.flatMap((e) => e.allowedValues);
    if (matched.length > 0 && images.length === 0 && values.length === 0) {
      const passed = matched[0].reportResult === 'pass';
      const keys = matched.map((e) => e.key).join(', ');
      return result(policy, run, decider, {
        status: passed ? 'pass' : 'skip', rule: 'exception', message: `rule is ${passed ? 'passed' : 'skipped'} due to policy exception: ${keys}`, violations: [],
      });
    }
    activation.exceptions = { allowedImages: images, allowedValues: values };
  }

  const held = conditionsHold(spec.matchConditions, activation);
  if ('errors' in held) {
    if (policy.failurePolicy === 'Ignore') return result(policy, run, decider, { status: 'skip', rule: ruleName(decider, 'matchConditions'), message: 'skip', violations: [] });
    return result(policy, run, decider, { status: 'error', rule: ruleName(decider, 'matchConditions'), message: `failed to load context: ${errorsText(held.errors)}`, violations: [] });
  }
  if (!held.holds) return result(policy, run, decider, { status: 'skip', rule: ruleName(decider, 'matchConditions'), message: 'skip', violations: [] });

  activation.variables = lazyVariables(spec.variables, activation);
  for (const v of spec.validations) {
    const r = evaluateCel(v.program, activation);
    const rule = ruleName(decider, `validations[${v.index}]`);
    if ('error' in r) {
      if (vap && policy.failurePolicy === 'Ignore') continue;
      const message = vap ? vapDenied(policy, decider, `expression '${v.program.source}' resulted in error: ${r.error}`) : `error: ${r.error}`;
      return result(policy, run, decider, { status: 'error', rule, message, violations: [], source: v.source });
    }
    if (typeof r.value !== 'boolean') {
      const err = `type conversion error from '${celTypeName(r.value)}' to 'bool'`;
      return result(policy, run, decider, { status: 'error', rule, message: vap ? vapDenied(policy, decider, err) : `error: ${err}`, violations: [], source: v.source });
    }
    if (r.value) continue;
    const text = vap ? apiServerMessage(v, activation) : vpolMessage(v, activation);
    const violations = findCulprits(v.program, { activation, input: run.input, locator: run.locator, variable: variableLookup(spec.variables) });
    return result(policy, run, decider, {
      status: 'fail', rule, message: vap ? vapDenied(policy, decider, text) : text, violations, source: v.source, ruleMessage: text,
    });
  }
  return result(policy, run, decider, { status: 'pass', rule: ruleName(decider, 'validations'), message: vap ? '' : 'success', violations: [] });
}

function vapDenied(policy: CelPolicy, decider: Decider, message: string): string {
  return `ValidatingAdmissionPolicy '${policy.name}' with binding '${decider.binding?.name ?? ''}' denied request: ${message}`;
}

/** Kyverno vpol: messageExpression, else message, else "CEL expression validation failed at index N". */
function vpolMessage(v: CompiledValidation, activation: Record<string, unknown>): string {
  let message = v.message ?? '';
  if (v.messageExpression !== undefined) {
    const r = evaluateCel(v.messageExpression, activation);
    if ('error' in r) message = `failed to evaluate message expression: ${r.error}`;
    else if (typeof r.value !== 'string') message = `failed to convert message expression to string: type conversion error from '${celTypeName(r.value)}' to 'string'`;
    else message = r.value;
  }
  return message !== '' ? message : `CEL expression validation failed at index ${v.index}`;
}

const MAX_MESSAGE_BYTES = 5 * 1024;

/**
 * The API server's validator (used by VAP and by Kyverno's validate.cel): a trimmed single-line
 * messageExpression result, else the trimmed message, else "failed expression: <expression>".
 */
function apiServerMessage(v: { program: CelProgram; message?: string; messageExpression?: CelProgram }, activation: Record<string, unknown>): string {
  if (v.messageExpression !== undefined) {
    const r = evaluateCel(v.messageExpression, activation);
    if ('value' in r && typeof r.value === 'string') {
      const m = r.value.trim();
      if (m !== '' && !m.includes('\n') && new TextEncoder().encode(m).length <= MAX_MESSAGE_BYTES) return m;
    }
  }
  const message = (v.message ?? '').trim();
  if (message !== '') return message;
  return `failed expression: ${v.program.source.trim()}`;
}

// ---------------------------------------------------------------------------------------------
// ClusterPolicy validate.cel

export interface ValidateCelOutcome {
  status: RuleStatus;
  message: string;
  /** Failing images (or the resource's kind), for `fail` and `error`; [] otherwise. */
  violations: Violation[];
}

interface CompiledCelRule {
  variables: NamedProgram[];
  preconditions: NamedProgram[];
  expressions: { program: CelProgram; message?: string; messageExpression?: CelProgram }[];
  paramKind?: { apiVersion?: string; kind?: string };
  paramRef?: { name?: string; namespace?: string };
}

const compiledRules = new WeakMap<object, CompiledCelRule | { error: string }>();

function compileNamed(raw: unknown, what: string): NamedProgram[] | { error: string } {
  const out: NamedProgram[] = [];
  for (const item of Array.isArray(raw) ? raw : []) {
    const entry = isRecord(item) ? item : {};
    const compiled = compileCel(typeof entry.expression === 'string' ? entry.expression : '');
    if ('error' in compiled) return { error: `${what} ${String(entry.name)}: ${compiled.error.message}` };
    out.push({ name: typeof entry.name === 'string' ? entry.name : '', program: compiled.program });
  }
  return out;
}

function compileCelRule(rule: Record<string, unknown>): CompiledCelRule | { error: string } {
  const known = compiledRules.get(rule);
  if (known !== undefined) return known;
  const compiled = ((): CompiledCelRule | { error: string } => {
    const validate = isRecord(rule.validate) ? rule.validate : {};
    const cel = isRecord(validate.cel) ? validate.cel : {};
    const variables = compileNamed(cel.variables, 'variable');
    if ('error' in variables) return variables;
    const preconditions = compileNamed(rule.celPreconditions, 'celPrecondition');
    if ('error' in preconditions) return preconditions;
    const expressions: CompiledCelRule['expressions'] = [];
    const defaultMessage = typeof validate.message === 'string' ? validate.message : undefined;
    for (const [i, item] of (Array.isArray(cel.expressions) ? cel.expressions : []).entries()) {
      const entry = isRecord(item) ? item : {};
      const program = compileCel(typeof entry.expression === 'string' ? entry.expression : '');
      if ('error' in program) return { error: `expressions[${i}]: ${program.error.message}` };
      const e: CompiledCelRule['expressions'][number] = { program: program.program };
      // Kyverno fills an empty expression message with the rule's validate.message.
      const message = typeof entry.message === 'string' && entry.message !== '' ? entry.message : defaultMessage;
      if (message !== undefined) e.message = message;
      if (typeof entry.messageExpression === 'string' && entry.messageExpression !== '') {
        const m = compileCel(entry.messageExpression);
        if ('error' in m) return { error: `expressions[${i}].messageExpression: ${m.error.message}` };
        e.messageExpression = m.program;
      }
      expressions.push(e);
    }
    const out: CompiledCelRule = { variables, preconditions, expressions };
    if (isRecord(cel.paramKind)) out.paramKind = { apiVersion: stringOr(cel.paramKind.apiVersion), kind: stringOr(cel.paramKind.kind) };
    if (isRecord(cel.paramRef)) out.paramRef = { name: stringOr(cel.paramRef.name), namespace: stringOr(cel.paramRef.namespace) };
    return out;
  })();
  compiledRules.set(rule, compiled);
  return compiled;
}

function stringOr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * A ClusterPolicy/Policy rule whose validate block is `cel` (after autogen: `rule` is the rule the
 * engine evaluates, e.g. `autogen-<name>` with `object.spec.template.spec...` expressions), on one
 * resource. Match/exclude, JMESPath preconditions, PolicyExceptions and the failure action are the
 * policy engine's business; this covers celPreconditions, variables, params and expressions.
 */
export function evaluateValidateCel(rule: Record<string, unknown>, res: ResourceView, options: CelEvaluateOptions = {}): ValidateCelOutcome {
  const name = typeof rule.name === 'string' ? rule.name : '';
  const locator = new Locator(res);
  const compiled = compileCelRule(rule);
  const failed = (status: 'fail' | 'error', message: string, violations: Violation[] = []): ValidateCelOutcome => ({
    status, message, violations: violations.length > 0 ? dedupe(violations) : [locator.kindViolation(status === 'error' ? message : undefined)],
  });
  if ('error' in compiled) return failed('error', `failed to compile validate.cel: ${compiled.error}`);
  const input = toCelInput(res.object);
  const activation = Object.create(baseActivation(res, input, options)) as Record<string, unknown>;
  if (compiled.paramKind !== undefined) {
    const want = compiled.paramKind;
    const ref = compiled.paramRef ?? {};
    const found = options.clusterResources?.find((r) => {
      const metadata = isRecord(r.metadata) ? r.metadata : {};
      return r.apiVersion === want.apiVersion && r.kind === want.kind && (ref.name === undefined || metadata.name === ref.name)
        && (ref.namespace === undefined || metadata.namespace === ref.namespace);
    });
    if (found !== undefined) activation.params = toCel(found);
    else Object.defineProperty(activation, 'params', { get: () => { throw new OfflineDataError(`params needs the ${want.kind ?? 'parameter'} ${ref.name ?? ''} from the cluster`); } });
  }
  activation.variables = lazyVariables(compiled.variables, activation);
  const held = conditionsHold(compiled.preconditions, activation);
  if ('errors' in held) return failed('error', errorsText(held.errors));
  if (!held.holds) return { status: 'skip', message: 'cel preconditions not met', violations: [] };
  for (const e of compiled.expressions) {
    const r = evaluateCel(e.program, activation);
    if ('error' in r) return failed('error', `expression '${e.program.source}' resulted in error: ${r.error}`);
    if (r.value === true) continue;
    const violations = findCulprits(e.program, { activation, input, locator, variable: variableLookup(compiled.variables) });
    return failed('fail', apiServerMessage(e, activation), violations);
  }
  return { status: 'pass', message: `Validation rule '${name}' passed.`, violations: [] };
}
