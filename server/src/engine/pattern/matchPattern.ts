// Kyverno's validate.MatchPattern: the tree walk of a `validate.pattern` over a resource (semantics
// §2) and the mapping of its outcome to a rule status (§2.6).
//
// Errors carry what Kyverno's Go error values encode: anchor errors are typed (conditional, global,
// negation), a PatternError is what an array or map returns when all it saw were skips, and every
// other error is plain text. Kyverno classifies typed errors by type and everything else by
// searching the text, and so does this walker.

import { parseAnchor, type Anchor } from './anchor';
import {
  compareGoStrings,
  formatGoValue,
  goTypeName,
  hasOwn,
  isGoMap,
  isGoScalar,
  ownValue,
} from './goValue';
import { expandInMetadata } from './metadataWildcards';
import { validateValue } from './validateValue';
import { containsWildcard } from './wildcard';

export interface PatternOutcome {
  status: 'pass' | 'fail' | 'skip' | 'error';
  /** Kyverno path of the (first) failure, e.g. "/spec/containers/0/image/"; "" unless status is fail. */
  path: string;
  /** Kyverno's raw error text ("" when pass). */
  message: string;
  /** With collectAll: every failing leaf path, the first one being `path`; otherwise [path] or []. */
  failures: string[];
}

export interface EvaluateOptions {
  /** Keep walking after the first failure to list every failing element and key in `failures`. */
  collectAll?: boolean;
}

type ErrorKind = 'plain' | 'conditional' | 'global' | 'negation' | 'pattern';

interface WalkError {
  kind: ErrorKind;
  message: string;
  /** isSkip's answer, remembered: an error is classified at every level it passes through. */
  skip?: boolean;
}

interface Step {
  path: string;
  error: WalkError | undefined;
  /** Leaf paths of genuine failures below this point (just the first one unless collecting). */
  failures: readonly string[];
}

const OK: Step = Object.freeze({ path: '', error: undefined, failures: Object.freeze([]) as readonly string[] });

const CONDITIONAL_MISMATCH = 'conditional anchor mismatch';
const GLOBAL_MISMATCH = 'global anchor mismatch';
const NEGATION_MATCHED = 'negation anchor matched in resource';
/** Guards the recursion; YAML-derived trees are far shallower than this. */
const MAX_DEPTH = 2000;

/**
 * MatchPattern and its status mapping. Work that depends on the pattern alone is remembered per
 * pattern object (key plans, whether anchors are recorded): do not change a pattern object after
 * evaluating it; build a new one instead (as variable substitution does).
 */
export function evaluatePattern(resource: unknown, pattern: unknown, options?: EvaluateOptions): PatternOutcome {
  try {
    if (options?.collectAll === true && !mayRecordAnchorKeys(pattern)) {
      // Without condition, existence or negation anchors nothing is recorded in the AnchorMap, and a
      // collecting walk meets the same first error as Kyverno's walk (it only goes on past a failure,
      // where Kyverno's stops), so one walk gives both Kyverno's verdict and every failing path.
      const walker = new Walker(true);
      const step = walker.walk(resource, pattern);
      const outcome = walker.outcome(step);
      if (outcome.status !== 'fail') return outcome;
      return { ...outcome, failures: uniqueFailures(outcome.path, step.failures) };
    }
    const kyverno = new Walker(false).match(resource, pattern);
    if (kyverno.status !== 'fail' || options?.collectAll !== true) return kyverno;
    // A second, independent walk that does not stop at the first failure. It has its own anchor
    // bookkeeping, so it can never change the status Kyverno's own walk decided.
    const collected = new Walker(true).walk(resource, pattern);
    return { ...kyverno, failures: uniqueFailures(kyverno.path, collected.failures) };
  } catch (err) {
    return { status: 'error', path: '', message: `pattern evaluation failed: ${String(err)}`, failures: [] };
  }
}

/** `first`, then every other path once, in walk order (a Set: a Pod may list many thousands of failing images). */
function uniqueFailures(first: string, paths: readonly string[]): string[] {
  const seen = new Set<string>([first]);
  const failures = [first];
  for (const path of paths) {
    if (seen.has(path)) continue;
    seen.add(path);
    failures.push(path);
  }
  return failures;
}

/** push(...items) passes every item as an argument, which overflows the stack past ~100,000 items. */
function appendAll(target: string[] | undefined, items: readonly string[]): string[] {
  const out = target ?? [];
  for (const item of items) out.push(item);
  return out;
}

function allMatch(values: readonly unknown[], pattern: unknown): boolean {
  for (let i = 0; i < values.length; i++) if (!validateValue(values[i], pattern)) return false;
  return true;
}

function fail(path: string, message: string): Step {
  return { path, error: { kind: 'plain', message }, failures: [path] };
}

function isSkip(error: WalkError): boolean {
  if (error.kind === 'conditional' || error.kind === 'global') return true;
  if (error.kind === 'negation') return false;
  error.skip ??= error.message.includes(CONDITIONAL_MISMATCH) || error.message.includes(GLOBAL_MISMATCH);
  return error.skip;
}

function isNegation(error: WalkError): boolean {
  if (error.kind === 'negation') return true;
  if (error.kind === 'conditional' || error.kind === 'global') return false;
  return error.message.includes(NEGATION_MATCHED);
}

/** multierr.Combine's text for the skip errors a map or array gathered. */
function combinedSkip(path: string, errors: readonly WalkError[]): Step {
  return { path, error: { kind: 'pattern', message: errors.map((e) => e.message).join('; ') }, failures: [] };
}

class Walker {
  /** AnchorMap: for each condition/existence/negation key met, whether the resource ever had it. */
  private readonly anchorKeysSeen = new Map<string, boolean>();
  private depth = 0;

  constructor(private readonly collect: boolean) {}

  match(resource: unknown, pattern: unknown): PatternOutcome {
    return this.outcome(this.walk(resource, pattern));
  }

  /** MatchPattern's status mapping of a finished walk (§2.6). */
  outcome(step: Step): PatternOutcome {
    const error = step.error;
    if (error === undefined) return { status: 'pass', path: '', message: '', failures: [] };
    if (isSkip(error)) return { status: 'skip', path: '', message: error.message, failures: [] };
    if (isNegation(error)) return { status: 'fail', path: step.path, message: error.message, failures: [step.path] };
    if (this.keysAreMissing()) return { status: 'error', path: '', message: error.message, failures: [] };
    return { status: 'fail', path: step.path, message: error.message, failures: [step.path] };
  }

  walk(resource: unknown, pattern: unknown): Step {
    return this.element(resource, pattern, '/');
  }

  private keysAreMissing(): boolean {
    for (const [key, seen] of this.anchorKeysSeen) {
      if (!seen && parseAnchor(key)?.type !== 'Negation') return true;
    }
    return false;
  }

  private noteAnchorKeys(plan: MapPlan, resource: Record<string, unknown>): void {
    for (const { key, anchor } of plan.noted) {
      if (this.anchorKeysSeen.get(key) === true) continue;
      this.anchorKeysSeen.set(key, hasOwn(resource, anchor.key));
    }
  }

  /** validateResourceElement: dispatch on the pattern's type. */
  private element(resource: unknown, pattern: unknown, path: string): Step {
    if (this.depth >= MAX_DEPTH) return fail(path, `pattern nesting deeper than ${MAX_DEPTH} levels at path ${path}`);
    this.depth++;
    try {
      if (isGoMap(pattern)) {
        if (!isGoMap(resource)) {
          return fail(
            path,
            `pattern and resource have different structures. Path: ${path}. Expected ${goTypeName(pattern)}, found ${goTypeName(resource)}`,
          );
        }
        const plan = planOf(pattern);
        if (plan.noted.length > 0) this.noteAnchorKeys(plan, resource);
        return this.map(resource, pattern, plan, path);
      }
      if (Array.isArray(pattern)) {
        if (!Array.isArray(resource)) {
          return fail(path, `validation rule failed at path ${path}, resource does not satisfy the expected overlay pattern`);
        }
        return this.array(resource, pattern, path);
      }
      if (isGoScalar(pattern)) {
        if (!(Array.isArray(resource) ? allMatch(resource, pattern) : validateValue(resource, pattern))) return fail(path, `resource value '${formatGoValue(resource)}' does not match '${formatGoValue(pattern)}' at path ${path}`);
        return OK;
      }
      return fail(path, `failed at '${path}', pattern contains unknown type`);
    } finally {
      this.depth--;
    }
  }

  /** validateMap: anchors first (sorted), then the other keys (anchor-bearing ones first). */
  private map(resource: Record<string, unknown>, rawPattern: Record<string, unknown>, rawPlan: MapPlan, path: string): Step {
    let plan = rawPlan;
    let pattern = rawPattern;
    if (plan.hasMetadata) {
      pattern = expandInMetadata(rawPattern, resource);
      if (pattern !== rawPattern) plan = makePlan(pattern);
    }
    const { anchorKeys, otherKeys, anchors } = plan;

    let firstFailure: Step | undefined;
    let failures: string[] | undefined;

    // Phase 1. A condition that does not hold makes the map inapplicable, so once one has been seen
    // at this level, later anchor failures are only recorded. A skip bubbling up from a nested array
    // (a PatternError) weighs less: it skips the map only if no anchor here applied.
    let skipErrors: WalkError[] | undefined;
    let directSkip = false;
    let applied = 0;
    for (const key of anchorKeys) {
      const step = this.handle(key, anchors.get(key), pattern[key], resource, path);
      if (step.error === undefined) {
        applied++;
        continue;
      }
      if (isSkip(step.error)) {
        (skipErrors ??= []).push(step.error);
        if (step.error.kind !== 'pattern') directSkip = true;
        continue;
      }
      if (directSkip && firstFailure === undefined) {
        (skipErrors ??= []).push(step.error);
        continue;
      }
      if (!this.collect) return step;
      firstFailure ??= step;
      failures = appendAll(failures, step.failures);
    }
    if (firstFailure === undefined && skipErrors !== undefined && (directSkip || applied === 0)) {
      return combinedSkip(path, skipErrors);
    }

    // Phase 2: the first error decides.
    for (const key of otherKeys) {
      const step = this.handle(key, anchors.get(key), pattern[key], resource, path);
      if (step.error === undefined) continue;
      if (!this.collect) return step;
      if (firstFailure === undefined && isSkip(step.error)) return step;
      if (!isSkip(step.error)) {
        firstFailure ??= step;
        failures = appendAll(failures, step.failures);
      }
    }
    return firstFailure === undefined ? OK : { ...firstFailure, failures: failures ?? [] };
  }

  /** The anchor handlers of Kyverno's anchor package, by key. */
  private handle(key: string, anchor: Anchor | undefined, pattern: unknown, resource: Record<string, unknown>, path: string): Step {
    switch (anchor?.type) {
      case 'Condition':
        return this.conditionAnchor(anchor, pattern, resource, path);
      case 'Global':
        return this.globalAnchor(anchor, pattern, resource, path);
      case 'Existence':
        return this.existenceAnchor(anchor, pattern, resource, path);
      case 'Equality':
        return hasOwn(resource, anchor.key) ? this.element(resource[anchor.key], pattern, `${path}${anchor.key}/`) : OK;
      case 'Negation': {
        if (!hasOwn(resource, anchor.key)) return OK;
        const current = `${path}${anchor.key}/`;
        return { path: current, error: { kind: 'negation', message: `${NEGATION_MATCHED}: ${current} is not allowed` }, failures: [current] };
      }
      default:
        // Plain keys, and `+()` which validate treats as a literal key.
        return this.plainKey(key, pattern, resource, path);
    }
  }

  private plainKey(key: string, pattern: unknown, resource: Record<string, unknown>, path: string): Step {
    const value = ownValue(resource, key) ?? null;
    if (pattern === '*') return value !== null ? OK : fail(path, `${path}/${key} not found`);
    return this.element(value, pattern, `${path}${key}/`);
  }

  private conditionAnchor(anchor: Anchor, pattern: unknown, resource: Record<string, unknown>, path: string): Step {
    const current = `${path}${anchor.key}/`;
    if (!hasOwn(resource, anchor.key)) {
      return { path: current, error: { kind: 'conditional', message: `${CONDITIONAL_MISMATCH}: conditional anchor key doesn't exist in the resource` }, failures: [] };
    }
    const step = this.element(resource[anchor.key], pattern, current);
    if (step.error === undefined) return OK;
    return { path: step.path, error: { kind: 'conditional', message: `${CONDITIONAL_MISMATCH}: ${step.error.message}` }, failures: [] };
  }

  private globalAnchor(anchor: Anchor, pattern: unknown, resource: Record<string, unknown>, path: string): Step {
    if (!hasOwn(resource, anchor.key)) return OK;
    const step = this.element(resource[anchor.key], pattern, `${path}${anchor.key}/`);
    if (step.error === undefined) return OK;
    return { path: step.path, error: { kind: 'global', message: `${GLOBAL_MISMATCH}: ${step.error.message}` }, failures: [] };
  }

  /** `^(key)`: every pattern map must match at least one element of the resource list. */
  private existenceAnchor(anchor: Anchor, pattern: unknown, resource: Record<string, unknown>, path: string): Step {
    if (!hasOwn(resource, anchor.key)) return OK;
    const current = `${path}${anchor.key}/`;
    const value = resource[anchor.key];
    if (!Array.isArray(value)) {
      return fail(current, `invalid resource type ${goTypeName(value)}: Existence ^ () anchor can be used only on list/array type resource`);
    }
    if (!Array.isArray(pattern)) {
      return fail(current, `invalid pattern type ${goTypeName(pattern)}: Pattern has to be of list to compare against resource`);
    }
    for (const patternMap of pattern) {
      if (!isGoMap(patternMap)) {
        return fail(current, `invalid pattern type ${goTypeName(pattern)}: Pattern has to be of type map to compare against items in resource`);
      }
      const found = value.some((element, i) => this.element(element, patternMap, `${current}${i}/`).error === undefined);
      if (!found) return fail(current, `existence anchor validation failed at path ${current}`);
    }
    return OK;
  }

  /** validateArray: by the kind of the pattern's first element. */
  private array(resource: unknown[], pattern: unknown[], path: string): Step {
    if (pattern.length === 0) return fail(path, 'pattern Array empty');
    const first = pattern[0];
    if (isGoMap(first)) return this.elements(resource.length, (i) => this.element(resource[i], first, `${path}${i}/`), path);
    if (isGoScalar(first)) return this.element(resource, first, path);
    if (resource.length < pattern.length) {
      // Kyverno reports this one without a path.
      return fail('', `validate Array failed, array length mismatch, resource Array len is ${resource.length} and pattern Array len is ${pattern.length}`);
    }
    return this.elements(pattern.length, (i) => this.element(resource[i], pattern[i], `${path}${i}/`), path);
  }

  /** Elements that skip are left out; if every element skipped, the array skips. */
  private elements(count: number, validate: (i: number) => Step, path: string): Step {
    let applied = 0;
    let skipErrors: WalkError[] | undefined;
    let firstFailure: Step | undefined;
    let failures: string[] | undefined;
    for (let i = 0; i < count; i++) {
      const step = validate(i);
      if (step.error === undefined) {
        applied++;
        continue;
      }
      if (isSkip(step.error)) {
        (skipErrors ??= []).push(step.error);
        continue;
      }
      if (!this.collect) return step;
      firstFailure ??= step;
      failures = appendAll(failures, step.failures);
    }
    if (firstFailure !== undefined) return { ...firstFailure, failures: failures ?? [] };
    if (applied === 0 && skipErrors !== undefined) return combinedSkip(path, skipErrors);
    return OK;
  }
}

/** getSortedNestedAnchorResource: sorted keys; global anchors and anchor-bearing subtrees pushed to the front. */
function sortNestedAnchorsFirst(keys: readonly string[], pattern: Record<string, unknown>): string[] {
  const front: string[] = [];
  const back: string[] = [];
  for (const key of [...keys].sort(compareGoStrings)) {
    if (parseAnchor(key)?.type === 'Global' || hasNestedAnchors(pattern[key])) front.unshift(key);
    else back.push(key);
  }
  return [...front, ...back];
}

/** What validateMap works out from a pattern map's keys alone, independent of the resource. */
interface MapPlan {
  /** Condition, existence and negation anchors: the keys recorded in the AnchorMap. */
  noted: readonly { key: string; anchor: Anchor }[];
  /** Phase 1 keys (condition, existence, equality, negation anchors), sorted. */
  anchorKeys: readonly string[];
  /** Phase 2 keys in getSortedNestedAnchorResource order. */
  otherKeys: readonly string[];
  anchors: ReadonlyMap<string, Anchor | undefined>;
  /** Whether the map has a `metadata` key (plain or anchored), whose label keys may be wildcards. */
  hasMetadata: boolean;
}

/**
 * Plans per pattern map object. Policy patterns are immutable once loaded and a map is visited once
 * per resource element, so the key analysis (anchors, sorting, the nested-anchor search) runs once per
 * map instead of on every visit.
 */
const plans = new WeakMap<object, MapPlan>();

function planOf(pattern: Record<string, unknown>): MapPlan {
  let plan = plans.get(pattern);
  if (plan === undefined) {
    plan = makePlan(pattern);
    plans.set(pattern, plan);
  }
  return plan;
}

function makePlan(pattern: Record<string, unknown>): MapPlan {
  const noted: { key: string; anchor: Anchor }[] = [];
  const anchorKeys: string[] = [];
  const otherKeys: string[] = [];
  const anchors = new Map<string, Anchor | undefined>();
  let hasMetadata = false;
  for (const key of Object.keys(pattern)) {
    const anchor = parseAnchor(key);
    anchors.set(key, anchor);
    const type = anchor?.type;
    if (key === 'metadata' || anchor?.key === 'metadata') hasMetadata = true;
    if (anchor !== undefined && (type === 'Condition' || type === 'Existence' || type === 'Negation')) noted.push({ key, anchor });
    if (type === 'Condition' || type === 'Existence' || type === 'Equality' || type === 'Negation') anchorKeys.push(key);
    else otherKeys.push(key);
  }
  anchorKeys.sort(compareGoStrings);
  return { noted, anchorKeys, otherKeys: sortNestedAnchorsFirst(otherKeys, pattern), anchors, hasMetadata };
}

const recordsAnchorKeys = new WeakMap<object, boolean>();

/**
 * Whether walking the pattern may record keys in the AnchorMap: it has a condition, existence or
 * negation anchor, or a wildcard key (metadata label and annotation keys are rewritten to resource
 * keys, which could look like anchors). Remembered per pattern object, as patterns are never changed.
 */
function mayRecordAnchorKeys(pattern: unknown): boolean {
  if (typeof pattern !== 'object' || pattern === null) return false;
  let known = recordsAnchorKeys.get(pattern);
  if (known === undefined) {
    known = Array.isArray(pattern) ? pattern.some(mayRecordAnchorKeys) : isGoMap(pattern) && mapMayRecordAnchorKeys(pattern);
    recordsAnchorKeys.set(pattern, known);
  }
  return known;
}

function mapMayRecordAnchorKeys(pattern: Record<string, unknown>): boolean {
  for (const key of Object.keys(pattern)) {
    if (containsWildcard(key)) return true;
    const type = parseAnchor(key)?.type;
    if (type === 'Condition' || type === 'Existence' || type === 'Negation') return true;
  }
  return Object.values(pattern).some(mayRecordAnchorKeys);
}

function hasNestedAnchors(pattern: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some(hasNestedAnchors);
  if (!isGoMap(pattern)) return false;
  for (const key of Object.keys(pattern)) {
    const type = parseAnchor(key)?.type;
    if (type !== undefined && type !== 'AddIfNotPresent') return true;
  }
  return Object.values(pattern).some(hasNestedAnchors);
}
