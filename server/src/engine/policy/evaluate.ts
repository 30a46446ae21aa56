// Evaluation of validate rules on one resource, following Kyverno's engine (pkg/engine/engine.go
// invokeRuleHandler and pkg/engine/handlers/validation/validate_resource.go): match, rule context,
// preconditions, PolicyException, then deny / pattern / anyPattern / foreach, with Kyverno's messages.
// Beyond Kyverno, every failing image or element is collected as a Violation; collecting never
// changes a status or a message.

import { evaluateValidateCel } from '../cel/evaluate';
import { extractImages } from '../image';
import { evaluateConditions, jmespathSearch, queryContext, substituteVariables, type EvalContext } from '../jmespath';
import { evaluatePattern, wildcardMatch, type PatternOutcome } from '../pattern';
import type { CompiledException, CompiledPolicy, CompiledRule, FailureActionOverride, ForeachSpec } from './compiled';
import { rulesForKind } from './compiled';
import { Locator, type Segments } from './locate';
import { exceptionMatches, ruleMatches, type AdmissionInfo, type MatchEnv } from './match';
import type { ResourceView } from './resource';
import { copyRecord, isRecord, selectorMatches } from './selector';
import type { FailureAction, RuleResult, RuleStatus, Violation } from './types';

/** The `kyverno test` values file (cli.kyverno.io Values): variables for the JSON context. */
export interface CliValues {
  globalValues?: Record<string, unknown>;
  policies?: {
    name: string;
    resources?: { name: string; values?: Record<string, unknown> }[];
    rules?: { name: string; values?: Record<string, unknown> }[];
  }[];
}

export interface EvaluateOptions {
  /** Labels of each namespace, for namespaceSelector and failureActionOverrides. */
  namespaceLabels?: Record<string, Record<string, string>>;
  /**
   * CLI-style values. When given, evaluation behaves as `kyverno test`: context entries that need a
   * cluster (apiCall, configMap, imageRegistry, globalReference) are skipped and these values fill in.
   */
  values?: CliValues;
  /** Admission user info (`kyverno test --userinfo`); absent in the editor. */
  admissionInfo?: AdmissionInfo;
}

interface Outcome {
  status: RuleStatus;
  message: string;
  violations: Violation[];
}

interface Target {
  value: unknown;
  /** Where the value sits in the resource; only asked for when a failure has to be located. */
  path(): Segments | undefined;
}

interface Scope {
  ctx: EvalContext;
  /** The element patterns apply to (elementScope), or undefined for the resource itself. */
  element: Target | undefined;
  nesting: number;
}

/** The `images` variable of each evaluated object, shared by all policies. */
const imagesCache = new WeakMap<object, { images: unknown } | { error: string }>();

/** One Locator per resource, shared by all policies, so its identity index is built at most once. */
const locators = new WeakMap<ResourceView, Locator>();

function locatorFor(res: ResourceView): Locator {
  let locator = locators.get(res);
  if (locator === undefined) {
    locator = new Locator(res);
    locators.set(res, locator);
  }
  return locator;
}

/** What every rule evaluation on one resource shares. */
class ResourceRun {
  readonly locator: Locator;
  readonly matchEnv: MatchEnv;
  readonly operation: string;

  constructor(
    readonly res: ResourceView,
    readonly policy: CompiledPolicy,
    readonly options: EvaluateOptions,
    readonly exceptions: readonly CompiledException[],
    readonly resourceValues: Record<string, unknown>,
  ) {
    this.locator = locatorFor(res);
    const op = resourceValues['request.operation'];
    this.operation = op === 'UPDATE' || op === 'DELETE' ? op : 'CREATE';
    this.matchEnv = {
      operation: this.operation,
      namespaceLabels: options.namespaceLabels?.[res.namespace] ?? {},
      admission: options.admissionInfo,
    };
  }

  get cliMode(): boolean {
    return this.options.values !== undefined;
  }

  /** The JSON context for a rule, before rule context entries: request, images, CLI values. */
  baseContext(object: Record<string, unknown>, usesImages: boolean): EvalContext {
    const request: Record<string, unknown> = { object, operation: this.operation, namespace: this.res.namespace };
    if (this.operation === 'UPDATE') request.oldObject = object;
    const ctx: EvalContext = { request: request as EvalContext['request'], images: {} };
    if (usesImages) {
      const images = object === this.res.object ? this.imagesOfResource() : extractImages(object);
      if ('error' in images) {
        const message = images.error;
        // Kyverno loads `images` lazily and fails every query that touches it.
        Object.defineProperty(ctx, 'images', { enumerable: true, configurable: true, get: () => { throw new Error(message); } });
      } else {
        ctx.images = images.images;
      }
    }
    if (this.resourceValues !== NO_VALUES) for (const [key, value] of Object.entries(this.resourceValues)) setVariable(ctx, key, value);
    return ctx;
  }

  private imagesOfResource(): { images: unknown } | { error: string } {
    let images = imagesCache.get(this.res.object);
    if (images === undefined) {
      images = extractImages(this.res.object);
      imagesCache.set(this.res.object, images);
    }
    return images;
  }

  ruleValues(ruleName: string): Record<string, unknown> | undefined {
    const p = this.options.values?.policies?.find((x) => x.name === this.policy.loaded.name);
    return p?.rules?.find((r) => r.name === ruleName)?.values;
  }
}

/** `AddVariable`: a dotted key sets a nested value, merging into what is there (copy on write). */
export function setVariable(ctx: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let cur: Record<string, unknown> = ctx;
  for (let i = 0; i < keys.length - 1; i++) {
    const next = cur[keys[i]];
    const copy: Record<string, unknown> = isRecord(next) ? { ...next } : {};
    cur[keys[i]] = copy;
    cur = copy;
  }
  cur[keys[keys.length - 1]] = value;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function substitute(value: unknown, ctx: EvalContext): { value: unknown } | { error: string } {
  try {
    return { value: substituteVariables(value, ctx) };
  } catch (err) {
    return { error: errorText(err) };
  }
}

function conditions(value: unknown, ctx: EvalContext): { result: boolean; message: string } | { error: string } {
  try {
    const r = evaluateConditions(value, ctx);
    if ('error' in r) return { error: r.error };
    return { result: r.result, message: r.message };
  } catch (err) {
    return { error: errorText(err) };
  }
}

function ruleError(prefix: string, err: string): Outcome {
  return { status: 'error', message: `${prefix}: ${err}`, violations: [] };
}

const OFFLINE_ENTRY: Record<string, string> = {
  apiCall: 'an API call to the cluster',
  configMap: 'a ConfigMap from the cluster',
  imageRegistry: 'registry access',
  globalReference: 'a GlobalContextEntry from the cluster',
};

/**
 * Loads context entries into `ctx`. Kyverno loads entries lazily, so an entry that needs a cluster is
 * only an error when the rule actually refers to it; `kyverno test` skips such entries altogether.
 */
function loadContext(entries: readonly unknown[], ctx: EvalContext, run: ResourceRun, referencingText: string): string | undefined {
  for (const entry of entries) {
    if (!isRecord(entry) || typeof entry.name !== 'string') continue;
    const name = entry.name;
    if (isRecord(entry.variable)) {
      const r = variableEntry(name, entry.variable, ctx);
      if ('error' in r) return r.error;
      setVariable(ctx, name, r.value);
      continue;
    }
    const needs = Object.keys(OFFLINE_ENTRY).find((k) => entry[k] !== undefined && entry[k] !== null);
    if (needs === undefined) return `missing ConfigMap|APICall|ImageRegistry|Variable in context entry ${name}`;
    if (run.cliMode || hasVariable(ctx, name)) continue;
    if (mentions(referencingText, name)) {
      return `context entry "${name}" needs ${OFFLINE_ENTRY[needs]} (${needs}) and cannot be evaluated offline`;
    }
  }
  return undefined;
}

function hasVariable(ctx: Record<string, unknown>, dotted: string): boolean {
  let cur: unknown = ctx;
  for (const key of dotted.split('.')) {
    if (!isRecord(cur) || !(key in cur)) return false;
    cur = cur[key];
  }
  return true;
}

/** Whether `text` refers to variable `name` as a whole identifier. */
function mentions(text: string, name: string): boolean {
  let from = 0;
  for (;;) {
    const at = text.indexOf(name, from);
    if (at < 0) return false;
    const before = at > 0 ? text[at - 1] : ' ';
    const after = text[at + name.length] ?? ' ';
    if (!/[A-Za-z0-9_$]/.test(before) && !/[A-Za-z0-9_$]/.test(after)) return true;
    from = at + 1;
  }
}

/** Kyverno `loaders/variable.go`. */
function variableEntry(name: string, variable: Record<string, unknown>, ctx: EvalContext): { value: unknown } | { error: string } {
  let path = '';
  if (typeof variable.jmesPath === 'string' && variable.jmesPath !== '') {
    const p = substitute(variable.jmesPath, ctx);
    if ('error' in p) return { error: `failed to substitute variables in context entry ${name} ${variable.jmesPath}: ${p.error}` };
    path = String(p.value);
  }
  let defaultValue: unknown;
  if (variable.default !== undefined && variable.default !== null) {
    const d = substitute(variable.default, ctx);
    if ('error' in d) return { error: `failed to substitute variables in context entry ${name} ${JSON.stringify(variable.default)}: ${d.error}` };
    defaultValue = d.value;
  }
  let output: unknown = defaultValue;
  if (variable.value !== undefined && variable.value !== null) {
    const v = substitute(variable.value, ctx);
    if ('error' in v) return { error: `failed to substitute variables in context entry ${name} ${JSON.stringify(variable.value)}: ${v.error}` };
    if (path !== '') {
      try {
        output = jmespathSearch(path, v.value);
      } catch (err) {
        if (defaultValue === undefined) return { error: `failed to apply jmespath ${path} to variable ${JSON.stringify(v.value)}: ${errorText(err)}` };
      }
    } else {
      output = v.value;
    }
  } else if (path !== '') {
    try {
      const r = queryContext(path, ctx);
      if (r !== null && r !== undefined) output = r;
    } catch (err) {
      if (defaultValue === undefined) return { error: `failed to apply jmespath ${path} to variable ${errorText(err)}` };
    }
  }
  if (output === null || output === undefined) return { error: `unable to add context entry for variable ${name} since it evaluated to nil` };
  return { value: output };
}

// ---------------------------------------------------------------------------------------------
// The validator: one per rule, and one per foreach element (nesting).

interface ValidatorSpec {
  context: readonly unknown[];
  contextText: string;
  preconditions: unknown;
  pattern?: unknown;
  anyPattern?: unknown[];
  /** Present (possibly undefined conditions) when the form is deny. */
  deny?: { conditions: unknown };
  foreach?: ForeachSpec[];
}

class Validator {
  constructor(
    private readonly run: ResourceRun,
    private readonly rule: CompiledRule,
    private readonly message: string | undefined,
    /** False for probes that only need the status (denyCulprits): deny messages are then not built. */
    private readonly withMessages = true,
  ) {}

  /** `validator.validate`; undefined when Kyverno returns no response. */
  validate(spec: ValidatorSpec, scope: Scope, collect: boolean): Outcome | undefined {
    const error = loadContext(spec.context, scope.ctx, this.run, spec.contextText);
    if (error !== undefined) return ruleError('failed to load context', error);
    if (spec.preconditions !== undefined && spec.preconditions !== null) {
      const pre = conditions(spec.preconditions, scope.ctx);
      if ('error' in pre) return ruleError('failed to evaluate preconditions', pre.error);
      if (!pre.result) return { status: 'skip', message: joinNonEmpty(['preconditions not met', pre.message], '; '), violations: [] };
    }
    if (spec.deny !== undefined) return this.deny(spec.deny.conditions, scope.ctx);
    if (spec.pattern !== undefined || spec.anyPattern !== undefined) return this.patterns(spec, scope);
    if (spec.foreach !== undefined) return this.foreach(spec.foreach, scope, collect);
    return undefined;
  }

  private deny(conditionsValue: unknown, ctx: EvalContext): Outcome {
    const r = conditions(conditionsValue, ctx);
    if ('error' in r) return ruleError('failed to check deny conditions', r.error);
    if (!r.result) return { status: 'pass', message: `validation rule '${this.rule.name}' passed.`, violations: [] };
    return { status: 'fail', message: this.withMessages ? this.denyMessage(r.message, ctx) : '', violations: [] };
  }

  private denyMessage(conditionMessage: string, ctx: EvalContext): string {
    if (this.message === undefined && conditionMessage === '') return `validation error: rule ${this.rule.name} failed`;
    const s = joinNonEmpty([this.message ?? '', conditionMessage], '; ');
    const raw = substitute(s, ctx);
    if ('error' in raw) return conditionMessage;
    return typeof raw.value === 'string' ? raw.value : "the produced message didn't resolve to a string, check your policy definition.";
  }

  private patterns(spec: ValidatorSpec, scope: Scope): Outcome {
    const target = scope.element ?? { value: this.run.res.object, path: () => [] };
    if (spec.pattern !== undefined) {
      const p = needsSubstitution(spec.pattern) ? substitute(spec.pattern, scope.ctx) : { value: spec.pattern };
      if ('error' in p) return ruleError('variable substitution failed', p.error);
      const o = evaluatePattern(target.value, p.value, COLLECT_ALL);
      return this.patternOutcome(o, scope.ctx, target);
    }
    const any = needsSubstitution(spec.anyPattern) ? substitute(spec.anyPattern, scope.ctx) : { value: spec.anyPattern };
    if ('error' in any) return ruleError('variable substitution failed', any.error);
    if (!Array.isArray(any.value)) return ruleError('failed to deserialize anyPattern, expected type array', 'not a list');
    const failed: string[] = [];
    const skipped: string[] = [];
    const violations: Violation[] = [];
    for (let idx = 0; idx < any.value.length; idx++) {
      const o = evaluatePattern(target.value, any.value[idx], COLLECT_ALL);
      if (o.status === 'pass') return { status: 'pass', message: `validation rule '${this.rule.name}' anyPattern[${idx}] passed.`, violations: [] };
      if (o.status === 'skip') {
        skipped.push(`rule ${this.rule.name}[${idx}] skipped: ${o.message}`);
      } else {
        const text = o.path === '' ? `rule ${this.rule.name}[${idx}] failed: ${o.message}` : `rule ${this.rule.name}[${idx}] failed at path ${o.path}`;
        failed.push(text);
        const base = target.path() ?? [];
        for (const f of o.failures) {
          const v = this.run.locator.fromKyvernoPath(f, base, idx);
          v.detail = text;
          violations.push(v);
        }
      }
    }
    if (skipped.length > 0 && failed.length === 0) return { status: 'skip', message: skipped.join(' '), violations: [] };
    if (failed.length > 0) return { status: 'fail', message: this.anyPatternMessage(failed.join(' ')), violations };
    return { status: 'pass', message: this.message ?? '', violations: [] };
  }

  private patternOutcome(o: PatternOutcome, ctx: EvalContext, target: Target): Outcome {
    switch (o.status) {
      case 'pass':
        return { status: 'pass', message: `validation rule '${this.rule.name}' passed.`, violations: [] };
      case 'skip':
        return { status: 'skip', message: o.message, violations: [] };
      case 'error':
        return { status: 'error', message: this.errorMessage(o.message, '', ctx), violations: [] };
      case 'fail': {
        const base = target.path() ?? [];
        return {
          status: 'fail',
          message: this.errorMessage(o.message, o.path, ctx),
          violations: o.failures.map((f) => this.run.locator.fromKyvernoPath(f, base)),
        };
      }
    }
  }

  /** `buildErrorMessage`. */
  private errorMessage(err: string, path: string, ctx: EvalContext): string {
    const name = this.rule.name;
    if (this.message === undefined) {
      return path !== '' ? `validation error: rule ${name} failed at path ${path}` : `validation error: rule ${name} execution error: ${err}`;
    }
    const raw = substitute(this.message, ctx);
    if ('error' in raw) return `validation error: variables substitution error in rule ${name} execution error: ${err}`;
    let msg = typeof raw.value === 'string' ? raw.value : JSON.stringify(raw.value);
    if (!msg.endsWith('.')) msg += '.';
    return path !== '' ? `validation error: ${msg} rule ${name} failed at path ${path}` : `validation error: ${msg} rule ${name} execution error: ${err}`;
  }

  /** `buildAnyPatternErrorMessage`: the rule message is used as written. */
  private anyPatternMessage(errors: string): string {
    if (this.message === undefined) return `validation error: ${errors}`;
    if (this.message.endsWith('.')) return `validation error: ${this.message} ${errors}`;
    return `validation error: ${this.message}. ${errors}`;
  }

  /** `validateForEach`: undefined (no rule response) when no element was processed. */
  private foreach(list: readonly ForeachSpec[], scope: Scope, collect: boolean): Outcome | undefined {
    let applyCount = 0;
    let decided: Outcome | undefined;
    for (const fe of list) {
      let elements: unknown;
      try {
        elements = queryContext(fe.list, scope.ctx);
      } catch {
        continue;
      }
      const items = Array.isArray(elements) ? elements : [elements];
      const [resp, count] = this.elements(fe, items, scope, collect);
      if (decided === undefined) {
        if (resp.status !== 'pass') {
          decided = resp;
          if (!collect) return decided;
          continue;
        }
        applyCount += count;
      } else {
        decided.violations.push(...resp.violations);
      }
    }
    if (decided !== undefined) return decided;
    if (applyCount === 0) return undefined;
    return { status: 'pass', message: 'rule passed', violations: [] };
  }

  /** `validateElements`; with `collect`, keeps going after the decisive element to gather violations. */
  private elements(fe: ForeachSpec, items: readonly unknown[], scope: Scope, collect: boolean): [Outcome, number] {
    let applyCount = 0;
    let decided: Outcome | undefined;
    const seenStrings = new Map<string, number>();
    const spec = foreachValidatorSpec(fe);
    for (let index = 0; index < items.length; index++) {
      const element = items[index];
      if (element === null || element === undefined) continue;
      const occurrence = typeof element === 'string' ? (seenStrings.get(element) ?? 0) : 0;
      if (typeof element === 'string') seenStrings.set(element, occurrence + 1);
      const isMap = isRecord(element);
      if (fe.elementScope === true && !isMap) {
        const err = ruleError('failed to process foreach', `cannot use elementScope=true foreach rules for elements that are not maps, expected type=map got type=${goTypeOf(element)}`);
        return [decided ?? err, applyCount];
      }
      const scoped = fe.elementScope ?? isMap;
      const ctx = extendContext(scope.ctx, {
        element,
        elementIndex: index,
        [`element${scope.nesting}`]: element,
        [`elementIndex${scope.nesting}`]: index,
      });
      const locator = this.run.locator;
      const target: Target | undefined = scoped ? { value: element, path: () => locator.pathOf(element) } : scope.element;
      const r = new Validator(this.run, this.rule, this.message).validate(spec, { ctx, element: target, nesting: scope.nesting + 1 }, collect);
      if (r === undefined || r.status === 'skip') continue;
      if (r.status === 'fail' && r.violations.length === 0) r.violations.push(this.run.locator.elementViolation(element, occurrence));
      // Each element's own Kyverno message, so that every collected element can be explained.
      for (const v of r.violations) v.detail ??= r.message;
      if (decided !== undefined) {
        if (r.status === 'fail') decided.violations.push(...r.violations);
        continue;
      }
      if (r.status !== 'pass') {
        if (r.status === 'error' && index < items.length - 1) continue;
        decided = { status: r.status, message: `validation failure: ${r.message}`, violations: r.violations };
        if (!collect) return [decided, applyCount];
        continue;
      }
      applyCount++;
    }
    return [decided ?? { status: 'pass', message: '', violations: [] }, applyCount];
  }
}

const foreachSpecs = new WeakMap<ForeachSpec, ValidatorSpec>();

/** The validator input of a foreach entry, built once per (compiled, unchanging) entry. */
function foreachValidatorSpec(fe: ForeachSpec): ValidatorSpec {
  let spec = foreachSpecs.get(fe);
  if (spec === undefined) {
    spec = {
      context: fe.context,
      contextText: JSON.stringify({ ...fe, context: undefined }),
      preconditions: fe.preconditions,
      pattern: fe.pattern,
      anyPattern: fe.anyPattern,
      deny: fe.deny,
      foreach: fe.foreach,
    };
    foreachSpecs.set(fe, spec);
  }
  return spec;
}

/** A copy of the context with more variables; keeps the lazy `images` accessor instead of reading it. */
function extendContext(ctx: EvalContext, extra: Record<string, unknown>): EvalContext {
  // Plain data properties are assigned (fast, and the copy stays a fast-mode object); anything else,
  // such as the lazy `images` getter, keeps its descriptor.
  const copy = {} as EvalContext;
  for (const key of Reflect.ownKeys(ctx)) {
    const d = Object.getOwnPropertyDescriptor(ctx, key);
    if (d === undefined) continue;
    if (typeof key === 'string' && key !== '__proto__' && 'value' in d && d.writable === true && d.enumerable === true && d.configurable === true) copy[key] = d.value;
    else Object.defineProperty(copy, key, d);
  }
  for (const [k, v] of Object.entries(extra)) copy[k] = v;
  return copy;
}

function goTypeOf(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

function joinNonEmpty(parts: readonly string[], sep: string): string {
  return parts.filter((p) => p !== '').join(sep);
}

const COLLECT_ALL = Object.freeze({ collectAll: true });

const substitutionNeeded = new WeakMap<object, boolean>();

/** Whether a pattern holds `{{ }}` variables; remembered per (immutable, precompiled) pattern object. */
function needsSubstitution(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'object' || value === null) return typeof value === 'string' && value.includes('{{');
  let known = substitutionNeeded.get(value);
  if (known === undefined) {
    known = JSON.stringify(value).includes('{{');
    substitutionNeeded.set(value, known);
  }
  return known;
}

// ---------------------------------------------------------------------------------------------
// Failure action (§5.2): rule overrides by namespace → rule failureAction → spec overrides → spec action.

function isEnforce(action: string | undefined): boolean {
  return action === 'Enforce' || action === 'enforce';
}

function isValidAction(action: string): boolean {
  return action === 'Enforce' || action === 'enforce' || action === 'Audit' || action === 'audit';
}

function overrideApplies(o: FailureActionOverride, namespace: string, labels: Record<string, string>): boolean {
  if (!isValidAction(o.action)) return false;
  if (o.namespaces === undefined) return o.namespaceSelector === undefined || selectorMatches(o.namespaceSelector, labels);
  return o.namespaces.some((ns) => wildcardMatch(ns, namespace) && (o.namespaceSelector === undefined || selectorMatches(o.namespaceSelector, labels)));
}

export function resolveFailureAction(policy: CompiledPolicy, rule: CompiledRule, namespace: string, labels: Record<string, string>): FailureAction {
  const v = rule.validate;
  if (v !== undefined) {
    for (const o of v.failureActionOverrides) if (overrideApplies(o, namespace, labels)) return isEnforce(o.action) ? 'Enforce' : 'Audit';
    if (v.failureAction !== undefined) return isEnforce(v.failureAction) ? 'Enforce' : 'Audit';
  }
  for (const o of policy.failureActionOverrides) if (overrideApplies(o, namespace, labels)) return isEnforce(o.action) ? 'Enforce' : 'Audit';
  return isEnforce(policy.validationFailureAction) ? 'Enforce' : 'Audit';
}

// ---------------------------------------------------------------------------------------------
// One policy on one resource.

export function evaluatePolicy(
  policy: CompiledPolicy,
  res: ResourceView,
  documentIndex: number,
  options: EvaluateOptions,
  exceptions: readonly CompiledException[],
): RuleResult[] {
  // A namespaced Policy applies only in its own namespace (MatchPolicyContext).
  if (policy.namespaced && (res.namespace === '' || res.namespace !== policy.loaded.namespace)) return [];
  const rules = rulesForKind(policy, res.kind);
  let run: ResourceRun | undefined;
  const out: RuleResult[] = [];
  for (const rule of rules) {
    if (!rule.hasValidate || rule.validate === undefined) continue;
    run ??= new ResourceRun(res, policy, options, exceptions, resourceValues(options.values, policy.loaded.name, res.name));
    if (!ruleMatches(rule.match, rule.exclude, res, run.matchEnv)) continue;
    const result = guarded(run, rule, documentIndex);
    if (result === undefined) continue;
    out.push(result);
    if (policy.applyOne && (result.status === 'pass' || result.status === 'fail')) break;
  }
  return out;
}

/** Engine functions never throw: an unexpected failure becomes an error result for that rule. */
function guarded(run: ResourceRun, rule: CompiledRule, documentIndex: number): RuleResult | undefined {
  try {
    return evaluateRule(run, rule, documentIndex);
  } catch (err) {
    const res = run.res;
    const message = `internal error while evaluating rule ${rule.name}: ${errorText(err)}`;
    return {
      policy: run.policy.loaded.key,
      rule: rule.name,
      resource: { apiVersion: res.apiVersion, kind: res.kind, namespace: res.namespace, name: res.name, documentIndex, kindStart: res.kindStart, kindEnd: res.kindEnd },
      status: 'error',
      action: resolveFailureAction(run.policy, rule, res.namespace, run.matchEnv.namespaceLabels),
      message,
      violations: [run.locator.kindViolation(message)],
    };
  }
}

const NO_VALUES: Record<string, unknown> = Object.freeze({});

function resourceValues(values: CliValues | undefined, policy: string, resource: string): Record<string, unknown> {
  if (values === undefined) return NO_VALUES;
  const out: Record<string, unknown> = { ...(values?.globalValues ?? {}) };
  for (const p of values?.policies ?? []) {
    if (p.name !== policy) continue;
    for (const r of p.resources ?? []) if (r.name === resource) Object.assign(out, r.values ?? {});
  }
  return out;
}

function ruleContext(run: ResourceRun, rule: CompiledRule, object: Record<string, unknown>): EvalContext {
  const ctx = run.baseContext(object, rule.usesImages);
  if (run.cliMode) for (const [key, value] of Object.entries(run.ruleValues(rule.name) ?? {})) setVariable(ctx, key, value);
  return ctx;
}

const validatorSpecs = new WeakMap<CompiledRule, ValidatorSpec>();

/** The rule's validator input; compiled rules never change, so it is built once per rule. */
function validatorSpec(rule: CompiledRule): ValidatorSpec {
  let spec = validatorSpecs.get(rule);
  if (spec === undefined) {
    spec = newValidatorSpec(rule);
    validatorSpecs.set(rule, spec);
  }
  return spec;
}

function newValidatorSpec(rule: CompiledRule): ValidatorSpec {
  const v = rule.validate;
  return {
    // The engine loaded the rule context and checked preconditions already (invokeRuleHandler).
    context: [],
    contextText: '',
    preconditions: undefined,
    pattern: v?.pattern,
    anyPattern: v?.anyPattern,
    deny: v?.form === 'deny' ? { conditions: v.deny } : undefined,
    foreach: v?.foreach,
  };
}

function evaluateRule(run: ResourceRun, rule: CompiledRule, documentIndex: number): RuleResult | undefined {
  const policy = run.policy;
  const res = run.res;
  const v = rule.validate;
  if (v === undefined) return undefined;
  const action = resolveFailureAction(policy, rule, res.namespace, run.matchEnv.namespaceLabels);
  const ctx = ruleContext(run, rule, res.object);
  const outcome = ((): Outcome | undefined => {
    const contextError = loadContext(rule.context, ctx, run, rule.referenceText);
    if (contextError !== undefined) return ruleError('failed to load context', contextError);
    if (rule.preconditions !== undefined && rule.preconditions !== null) {
      const pre = conditions(rule.preconditions, ctx);
      if ('error' in pre) return ruleError('failed to evaluate preconditions', pre.error);
      if (!pre.result) return { status: 'skip', message: joinNonEmpty(['preconditions not met', pre.message], '; '), violations: [] };
    }
    const excepted = matchingExceptions(run, rule, ctx);
    if (excepted.length > 0) {
      return { status: 'skip', message: `rule is skipped due to policy exceptions${excepted.map((e) => e.loaded.key).join(', ')}`, violations: [] };
    }
    if (v.form === 'cel') {
      if (v.celRule === undefined) return undefined;
      return allowExistingViolations(run, rule, evaluateValidateCel(v.celRule, res, { namespaceLabels: { [res.namespace]: run.matchEnv.namespaceLabels }, operation: run.operation === 'UPDATE' ? 'UPDATE' : 'CREATE' }));
    }
    const validator = new Validator(run, rule, v.message);
    const o = validator.validate(validatorSpec(rule), { ctx, element: undefined, nesting: 0 }, true);
    if (o === undefined) return undefined;
    if (o.status === 'fail' && v.form === 'deny') o.violations = denyCulprits(run, rule);
    return allowExistingViolations(run, rule, o);
  })();
  if (outcome === undefined) return undefined;
  if ((outcome.status === 'fail' || outcome.status === 'error') && outcome.violations.length === 0) {
    outcome.violations.push(run.locator.kindViolation(outcome.status === 'error' ? outcome.message : undefined));
  }
  const result: RuleResult = {
    policy: policy.loaded.key,
    rule: rule.name,
    resource: { apiVersion: res.apiVersion, kind: res.kind, namespace: res.namespace, name: res.name, documentIndex, kindStart: res.kindStart, kindEnd: res.kindEnd },
    status: outcome.status,
    action,
    message: outcome.message,
    violations: dedupe(outcome.violations),
  };
  if (rule.source !== undefined) result.ruleSource = rule.source;
  if (v.message !== undefined) {
    const m = v.message.includes('{{') ? substitute(v.message, ctx) : { value: v.message };
    result.ruleMessage = 'value' in m && typeof m.value === 'string' ? m.value : v.message;
  }
  return result;
}

/**
 * On UPDATE (only reachable through CLI values), an Enforce rule that fails on both the new and the old
 * object is skipped. The CLI uses the resource itself as the old object, so a failure always repeats.
 */
function allowExistingViolations(run: ResourceRun, rule: CompiledRule, o: Outcome): Outcome {
  if (run.operation !== 'UPDATE' || o.status !== 'fail') return o;
  const action = rule.validate?.failureAction ?? run.policy.validationFailureAction;
  if (!isEnforce(action)) return o;
  const raw = rule.text.includes('"allowExistingViolations":false');
  if (raw) return o;
  return { status: 'skip', message: 'skipping the rule evaluation as pre-existing violations are allowed', violations: [] };
}

function matchingExceptions(run: ResourceRun, rule: CompiledRule, ctx: EvalContext): CompiledException[] {
  const out: CompiledException[] = [];
  for (const ex of run.exceptions) {
    const names = ex.entries.some((e) => e.policyName === run.policy.loaded.key && e.ruleNames.some((r) => wildcardMatch(r, rule.name)));
    if (!names || !exceptionMatches(ex.match, run.res, run.matchEnv)) continue;
    if (ex.conditions !== undefined && ex.conditions !== null) {
      const c = conditions(ex.conditions, ex.usesImages && !rule.usesImages ? ruleContext(run, { ...rule, usesImages: true }, run.res.object) : ctx);
      if ('error' in c || !c.result) continue;
    }
    out.push(ex);
  }
  return out;
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

const POD_SPEC: Readonly<Record<string, Segments>> = {
  Pod: ['spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

function podSpecPath(kind: string): Segments {
  return POD_SPEC[kind] ?? ['spec', 'template', 'spec'];
}

/**
 * The images a failing deny rule objects to: the rule is re-evaluated on copies of the resource that
 * keep a single container; containers whose copy still fails are the culprits. When none is (the
 * condition is about the Pod as a whole), the violation points at the resource's kind.
 */
function denyCulprits(run: ResourceRun, rule: CompiledRule): Violation[] {
  const text = rule.text;
  if (!/images|containers|image/.test(text)) return [];
  const specPath = podSpecPath(run.res.kind);
  const podSpec = valueAtPath(run.res.object, specPath);
  if (!isRecord(podSpec)) return [];
  const culprits: Violation[] = [];
  const probe = new Validator(run, rule, rule.validate?.message, false);
  for (const list of CONTAINER_LISTS) {
    const containers = podSpec[list];
    if (!Array.isArray(containers)) continue;
    for (let i = 0; i < containers.length; i++) {
      const single: Record<string, unknown> = copyRecord(podSpec);
      for (const other of CONTAINER_LISTS) if (Array.isArray(podSpec[other])) single[other] = [];
      single[list] = [containers[i]];
      const object = withValueAt(run.res.object, specPath, single);
      const ctx = ruleContext(run, rule, object);
      if (loadContext(rule.context, ctx, run, rule.referenceText) !== undefined) return [];
      const o = probe.validate(validatorSpec(rule), { ctx, element: undefined, nesting: 0 }, false);
      if (o?.status === 'fail') {
        const c = containers[i];
        const segs = [...specPath, list, i];
        culprits.push(run.locator.at(isRecord(c) && typeof c.image === 'string' ? [...segs, 'image'] : segs));
      }
    }
  }
  return culprits;
}

function valueAtPath(root: unknown, segs: Segments): unknown {
  let cur = root;
  for (const s of segs) cur = isRecord(cur) ? cur[String(s)] : undefined;
  return cur;
}

function withValueAt(root: Record<string, unknown>, segs: Segments, value: unknown): Record<string, unknown> {
  if (segs.length === 0) return value as Record<string, unknown>;
  const [head, ...rest] = segs;
  const child = root[String(head)];
  const copy = copyRecord(root);
  const key = String(head);
  const inner = rest.length === 0 ? value : withValueAt(isRecord(child) ? child : {}, rest, value);
  if (key === '__proto__') Object.defineProperty(copy, key, { value: inner, writable: true, enumerable: true, configurable: true });
  else copy[key] = inner;
  return copy;
}

function dedupe(violations: Violation[]): Violation[] {
  if (violations.length < 2) return violations;
  const seen = new Set<string>();
  return violations.filter((v) => {
    const key = `${v.start}:${v.end}:${v.alternative ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
