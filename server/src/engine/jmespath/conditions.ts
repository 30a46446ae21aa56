// Kyverno's condition blocks (preconditions, validate.deny.conditions): parsing as
// utils.TransformConditions does, then variables.EvaluateConditions (newest form: each condition's key
// and value are substituted just before it is evaluated, so `any` stops at the first true condition).

import { Float64 } from '../pattern/goValue';
import type { EvalContext } from './context';
import { CONDITION_OPERATORS, operatorHandler } from './operators';
import { isObject } from './values';
import { trySubstituteVariables, type SubstituteOptions } from './variables';

export interface ConditionsResult {
  result: boolean;
  /** Messages of the conditions that decided the result (true ones when true, false ones when false), as written. */
  messages: string[];
  /** The same joined exactly as Kyverno joins them ("; " in any/all blocks, ";" in the legacy list). */
  message: string;
}

interface Condition {
  key: unknown;
  operator: string;
  value: unknown;
  message: string;
}

type ParsedConditions = { kind: 'legacy'; list: Condition[] } | { kind: 'anyAll'; any: Condition[] | null; all: Condition[] | null };

const PATH = 'preconditions/validate.deny.conditions';

/**
 * Evaluates an any/all block or a legacy list of conditions. `null`/absent conditions are true (an
 * empty legacy list). Never throws: errors (unparsable conditions, failed variable substitution,
 * unknown operator) come back as `{ error }` with Kyverno's text, to be prefixed by the caller
 * ("failed to check deny conditions: ...").
 */
export function evaluateConditions(conditions: unknown, ctx: EvalContext, options: SubstituteOptions = {}): ConditionsResult | { error: string } {
  const parsed = parsedConditions(conditions);
  if ('error' in parsed) return parsed;
  const substitution: SubstituteOptions = { ...options, path: '' };
  try {
    if (parsed.kind === 'legacy') {
      const trueMessages: string[] = [];
      for (const condition of parsed.list) {
        const r = evaluateOne(condition, ctx, substitution);
        if (!r) return done(false, [condition.message], ';');
        trueMessages.push(condition.message);
      }
      return done(true, trueMessages, ';');
    }
    const trueMessages: string[] = [];
    const falseMessages: string[] = [];
    let anyResult = true;
    if (parsed.any !== null) {
      anyResult = false;
      for (const condition of parsed.any) {
        if (evaluateOne(condition, ctx, substitution)) {
          anyResult = true;
          trueMessages.push(condition.message);
          break;
        }
        falseMessages.push(condition.message);
      }
    }
    let allResult = true;
    for (const condition of parsed.all ?? []) {
      if (!evaluateOne(condition, ctx, substitution)) {
        allResult = false;
        falseMessages.push(condition.message);
        break;
      }
      trueMessages.push(condition.message);
    }
    const result = anyResult && allResult;
    return done(result, result ? trueMessages : falseMessages, '; ');
  } catch (error) {
    if (error instanceof ConditionError) return { error: error.message };
    throw error;
  }
}

function done(result: boolean, messages: string[], separator: string): ConditionsResult {
  const nonEmpty = messages.filter((m) => m !== '');
  return { result, messages: nonEmpty, message: nonEmpty.join(separator) };
}

class ConditionError extends Error {}

/** `options` already carries the empty path conditions are substituted at. */
function evaluateOne(condition: Condition, ctx: EvalContext, options: SubstituteOptions): boolean {
  const key = trySubstituteVariables(condition.key, ctx, options);
  if ('error' in key) throw new ConditionError(`failed to substitute variables in condition key: ${key.error}`);
  const value = trySubstituteVariables(condition.value, ctx, options);
  if ('error' in value) throw new ConditionError(`failed to substitute variables in condition value: ${value.error}`);
  const handler = operatorHandler(condition.operator);
  // Kyverno wraps a nil error here, which Go prints as %!w(<nil>).
  if (handler === undefined) throw new ConditionError('failed to create handler for condition operator: %!w(<nil>)');
  return handler(key.value, value.value);
}

/**
 * Parsed forms per conditions object. Conditions come from loaded policies, which are never changed
 * after loading, and are evaluated once per resource (and per foreach element), so they are parsed once.
 */
const parsedCache = new WeakMap<object, ParsedConditions | { error: string }>();

function parsedConditions(raw: unknown): ParsedConditions | { error: string } {
  if (typeof raw !== 'object' || raw === null) return parseConditions(raw);
  let parsed = parsedCache.get(raw);
  if (parsed === undefined) {
    parsed = parseConditions(raw);
    parsedCache.set(raw, parsed);
  }
  return parsed;
}

/** `TransformConditions` / `ApiextensionsJsonToKyvernoConditions`. */
function parseConditions(raw: unknown): ParsedConditions | { error: string } {
  if (raw === null || raw === undefined) return { kind: 'legacy', list: [] };
  if (Array.isArray(raw)) {
    const list: Condition[] = [];
    for (const item of raw) {
      const condition = parseCondition(item);
      if ('error' in condition) return condition;
      list.push(condition);
    }
    for (const condition of list) {
      if (!CONDITION_OPERATORS.includes(condition.operator)) return { error: `invalid condition operator: ${condition.operator}` };
    }
    return { kind: 'legacy', list };
  }
  if (!isObject(raw)) return { error: `error occurred while parsing ${PATH}: json: cannot unmarshal ${goJsonKind(raw)} into Go value of type v1.AnyAllConditions` };
  const unknown = Object.keys(raw).filter((k) => k !== 'any' && k !== 'all');
  if (unknown.length > 0) return { error: `error occurred while checking for unknown fields under ${PATH}: unknown field(s) ${unknown.join(', ')} found` };
  const block = (field: 'any' | 'all'): Condition[] | null | { error: string } => {
    const value = raw[field];
    if (value === null || value === undefined) return null;
    if (!Array.isArray(value)) return { error: `error occurred while parsing ${PATH}: json: cannot unmarshal ${goJsonKind(value)} into Go struct field AnyAllConditions.${field} of type []v1.Condition` };
    const list: Condition[] = [];
    for (const item of value) {
      const condition = parseCondition(item);
      if ('error' in condition) return condition;
      list.push(condition);
    }
    return list;
  };
  const any = block('any');
  if (any !== null && 'error' in any) return any;
  const all = block('all');
  if (all !== null && 'error' in all) return all;
  return { kind: 'anyAll', any, all };
}

function parseCondition(item: unknown): Condition | { error: string } {
  if (!isObject(item)) return { error: `error occurred while parsing ${PATH}: json: cannot unmarshal ${goJsonKind(item)} into Go value of type v1.Condition` };
  const operator = item.operator ?? '';
  const message = item.message ?? '';
  if (typeof operator !== 'string') return { error: `error occurred while parsing ${PATH}: json: cannot unmarshal ${goJsonKind(operator)} into Go struct field Condition.operator of type v1.ConditionOperator` };
  if (typeof message !== 'string') return { error: `error occurred while parsing ${PATH}: json: cannot unmarshal ${goJsonKind(message)} into Go struct field Condition.message of type string` };
  return { key: asPolicyLiteral(item.key ?? null), operator, value: asPolicyLiteral(item.value ?? null), message };
}

/** Numbers written in the policy are float64 in Go (json.Unmarshal into interface{}). */
function asPolicyLiteral(value: unknown): unknown {
  if (typeof value === 'number') return new Float64(value);
  if (Array.isArray(value)) return value.map(asPolicyLiteral);
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: asPolicyLiteral(v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

function goJsonKind(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return typeof value;
}
