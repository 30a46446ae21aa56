// Condition operators of Kyverno's preconditions and deny conditions
// (pkg/engine/variables/operator/*.go). Values carry Go types: numbers written in the policy are float64
// (wrapped in Float64), numbers read from the resource are int64 when integral (see pattern/goValue).

import { parseGoDuration } from '../pattern/duration';
import { parseGoFloat, parseGoInt64 } from '../pattern/goParse';
import { formatGoValue, goTypeOf, numberValue } from '../pattern/goValue';
import { getOperatorFromStringPattern } from '../pattern/operator';
import { compareQuantities, parseQuantity } from '../pattern/quantity';
import { validateValue } from '../pattern/validateValue';
import { wildcardMatch } from '../pattern/wildcard';

export type OperatorHandler = (key: unknown, value: unknown) => boolean;

/** `ConditionOperators` in api/kyverno/v1/common_types.go (case-sensitive names, as the CRD enum has them). */
export const CONDITION_OPERATORS: readonly string[] = [
  'Equal', 'Equals', 'NotEqual', 'NotEquals', 'In', 'AnyIn', 'AllIn', 'NotIn', 'AnyNotIn', 'AllNotIn',
  'GreaterThanOrEquals', 'GreaterThan', 'LessThanOrEquals', 'LessThan',
  'DurationGreaterThanOrEquals', 'DurationGreaterThan', 'DurationLessThanOrEquals', 'DurationLessThan',
];

/** `CreateOperatorHandler`: the operator name is matched case-insensitively; undefined when unknown. */
export function operatorHandler(operator: string): OperatorHandler | undefined {
  switch (operator.toLowerCase()) {
    case 'equal':
    case 'equals':
      return equals;
    case 'notequal':
    case 'notequals':
      return notEquals;
    case 'in':
      return (k, v) => legacyIn(k, v, false);
    case 'notin':
      return (k, v) => legacyIn(k, v, true);
    case 'anyin':
      return (k, v) => setOperator(k, v, 'any', false);
    case 'anynotin':
      return (k, v) => setOperator(k, v, 'any', true);
    case 'allin':
      return (k, v) => setOperator(k, v, 'all', false);
    case 'allnotin':
      return (k, v) => setOperator(k, v, 'all', true);
    case 'greaterthanorequals':
    case 'greaterthan':
    case 'lessthanorequals':
    case 'lessthan':
      return (k, v) => numeric(k, v, operator);
    case 'durationgreaterthanorequals':
    case 'durationgreaterthan':
    case 'durationlessthanorequals':
    case 'durationlessthan':
      return (k, v) => durationOperator(k, v, operator.toLowerCase());
    default:
      return undefined;
  }
}

// ---- Go value helpers ------------------------------------------------------------------------------

/** reflect.DeepEqual on decoded values: int64 and float64 never compare equal. */
function goDeepEqual(a: unknown, b: unknown): boolean {
  const ta = goTypeOf(a);
  if (ta !== goTypeOf(b)) return false;
  switch (ta) {
    case 'int64':
    case 'float64':
      return numberValue(a) === numberValue(b);
    case 'array': {
      const x = a as unknown[];
      const y = b as unknown[];
      return x.length === y.length && x.every((item, i) => goDeepEqual(item, y[i]));
    }
    case 'map': {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      const keys = Object.keys(x);
      return keys.length === Object.keys(y).length && keys.every((k) => Object.prototype.hasOwnProperty.call(y, k) && goDeepEqual(x[k], y[k]));
    }
    default:
      return a === b;
  }
}

/** Seconds of a Go duration in nanoseconds. */
const seconds = (ns: bigint): number => Number(ns) / 1e9;

/**
 * Kyverno's parseDuration: at least one side must be a duration string other than "0"; the other side
 * may be a duration string or a number of seconds (truncated to whole seconds, as Go converts it).
 */
function parseDurations(key: unknown, value: unknown): [number, number] | undefined {
  const asDuration = (x: unknown): number | undefined => {
    if (typeof x !== 'string' || x === '0') return undefined;
    const ns = parseGoDuration(x);
    return ns === undefined ? undefined : seconds(ns);
  };
  const asSeconds = (x: unknown): number | undefined => {
    const t = goTypeOf(x);
    return t === 'int64' || t === 'float64' ? Math.trunc(numberValue(x)) : undefined;
  };
  let k = asDuration(key);
  let v = asDuration(value);
  if (k === undefined && v === undefined) return undefined;
  k ??= asSeconds(key);
  v ??= asSeconds(value);
  if (k === undefined || v === undefined) return undefined;
  return [k, v];
}

function quantityCompare(key: string, value: unknown): number | 'keyNotQuantity' | 'valueInvalid' {
  const k = parseQuantity(key);
  if (k === undefined) return 'keyNotQuantity';
  if (typeof value !== 'string') return 'keyNotQuantity';
  const v = parseQuantity(value);
  if (v === undefined) return 'valueInvalid';
  return compareQuantities(k, v);
}

// ---- Equals / NotEquals ----------------------------------------------------------------------------

function equals(key: unknown, value: unknown): boolean {
  switch (goTypeOf(key)) {
    case 'bool':
      return typeof value === 'boolean' && value === key;
    case 'int64': {
      const k = numberValue(key);
      switch (goTypeOf(value)) {
        case 'int64':
          return numberValue(value) === k;
        case 'float64':
          return Number.isInteger(numberValue(value)) && Math.trunc(numberValue(value)) === k;
        case 'string': {
          const parsed = parseGoInt64(value as string);
          return parsed !== undefined && parsed === BigInt(k);
        }
        default:
          return false;
      }
    }
    case 'float64': {
      const k = numberValue(key);
      switch (goTypeOf(value)) {
        case 'int64':
          return Number.isInteger(k) && k === numberValue(value);
        case 'float64':
          return numberValue(value) === k;
        case 'string':
          return parseGoFloat(value as string) === k;
        default:
          return false;
      }
    }
    case 'string': {
      const durations = parseDurations(key, value);
      if (durations !== undefined) return durations[0] === durations[1];
      const q = quantityCompare(key as string, value);
      if (q === 'valueInvalid') return false;
      if (typeof q === 'number') return q === 0;
      return typeof value === 'string' && wildcardMatch(value, key as string);
    }
    case 'map':
      return goTypeOf(value) === 'map' && goDeepEqual(key, value);
    case 'array':
      return goTypeOf(value) === 'array' && goDeepEqual(key, value);
    default:
      return false;
  }
}

function notEquals(key: unknown, value: unknown): boolean {
  switch (goTypeOf(key)) {
    case 'bool':
      return typeof value !== 'boolean' || value !== key;
    case 'int64': {
      const k = numberValue(key);
      switch (goTypeOf(value)) {
        case 'int64':
          return numberValue(value) !== k;
        case 'float64':
          return Number.isInteger(numberValue(value)) ? Math.trunc(numberValue(value)) !== k : false;
        case 'string': {
          const parsed = parseGoInt64(value as string);
          return parsed === undefined || parsed !== BigInt(k);
        }
        default:
          return true;
      }
    }
    case 'float64': {
      const k = numberValue(key);
      switch (goTypeOf(value)) {
        case 'int64':
          return Number.isInteger(k) ? k !== numberValue(value) : true;
        case 'float64':
          return numberValue(value) !== k;
        case 'string': {
          const parsed = parseGoFloat(value as string);
          return parsed === undefined || parsed !== k;
        }
        default:
          return true;
      }
    }
    case 'string': {
      const durations = parseDurations(key, value);
      if (durations !== undefined) return durations[0] !== durations[1];
      const q = quantityCompare(key as string, value);
      if (q === 'valueInvalid') return false;
      if (typeof q === 'number') return q !== 0;
      return typeof value === 'string' ? !wildcardMatch(value, key as string) : true;
    }
    case 'map':
      return goTypeOf(value) === 'map' ? !goDeepEqual(key, value) : true;
    case 'array':
      return goTypeOf(value) === 'array' ? !goDeepEqual(key, value) : true;
    default:
      return false;
  }
}

// ---- GreaterThan / LessThan ... --------------------------------------------------------------------

/** compareByCondition switches on the operator exactly as written, so only the canonical spelling compares. */
function compareBy(key: number, value: number, operator: string): boolean {
  switch (operator) {
    case 'GreaterThanOrEquals':
      return key >= value;
    case 'GreaterThan':
      return key > value;
    case 'LessThanOrEquals':
      return key <= value;
    case 'LessThan':
      return key < value;
    default:
      return false;
  }
}

function numericWithNumberKey(key: number, value: unknown, operator: string): boolean {
  switch (goTypeOf(value)) {
    case 'int64':
    case 'float64':
      return compareBy(key, numberValue(value), operator);
    case 'string': {
      const durations = parseDurations(key, value);
      if (durations !== undefined) return compareBy(durations[0], durations[1], operator);
      const f = parseGoFloat(value as string);
      if (f !== undefined) return compareBy(key, f, operator);
      return false;
    }
    default:
      return false;
  }
}

function numeric(key: unknown, value: unknown, operator: string): boolean {
  switch (goTypeOf(key)) {
    case 'int64':
    case 'float64':
      return numericWithNumberKey(numberValue(key), value, operator);
    case 'string': {
      const k = key as string;
      const durations = parseDurations(k, value);
      if (durations !== undefined) return compareBy(durations[0], durations[1], operator);
      const f = parseGoFloat(k);
      if (f !== undefined) return numericWithNumberKey(f, value, operator);
      const q = quantityCompare(k, value);
      return typeof q === 'number' ? compareBy(q, 0, operator) : false;
    }
    default:
      return false;
  }
}

/** The deprecated Duration* operators: both sides as durations (numbers are seconds). */
function durationOperator(key: unknown, value: unknown, operator: string): boolean {
  const toSeconds = (x: unknown): number | undefined => {
    const t = goTypeOf(x);
    if (t === 'int64' || t === 'float64') return Math.trunc(numberValue(x));
    if (t === 'string') {
      const ns = parseGoDuration(x as string);
      return ns === undefined ? undefined : seconds(ns);
    }
    return undefined;
  };
  const k = toSeconds(key);
  const v = toSeconds(value);
  if (k === undefined || v === undefined) return false;
  switch (operator) {
    case 'durationgreaterthanorequals':
      return k >= v;
    case 'durationgreaterthan':
      return k > v;
    case 'durationlessthanorequals':
      return k <= v;
    default:
      return k < v;
  }
}

// ---- set membership ------------------------------------------------------------------------------

const sprint = (v: unknown): string => formatGoValue(v ?? null);
const eitherWay = (a: string, b: string): boolean => wildcardMatch(a, b) || wildcardMatch(b, a);

/** A key as the list of strings the membership operators compare, or undefined for unsupported types. */
function keyStrings(key: unknown): { list: string[]; scalar: boolean } | undefined {
  switch (goTypeOf(key)) {
    case 'string':
      return { list: [key as string], scalar: true };
    case 'int64':
    case 'float64':
    case 'bool':
      return { list: [sprint(key)], scalar: true };
    case 'array':
      return { list: (key as unknown[]).map(sprint), scalar: false };
    default:
      return undefined;
  }
}

/** A string value as a list: a JSON array of strings, or (when it is not valid JSON) the string itself. */
function valueStrings(value: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [value];
  }
  return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string') ? parsed : undefined;
}

/**
 * AnyIn / AnyNotIn / AllIn / AllNotIn. Values: a list (elements compared through fmt.Sprint, wildcards
 * in both directions), a JSON list in a string, a plain string (wildcard, exact) or a range `a-b`.
 */
function setOperator(key: unknown, value: unknown, quantifier: 'any' | 'all', negated: boolean): boolean {
  const keys = keyStrings(key);
  if (keys === undefined) return false;
  // AllIn / AllNotIn look a single key up with the In helper (keyExistsInArray): no range, strict JSON.
  if (keys.scalar && quantifier === 'all') return legacyIn(key, value, negated);
  let inSet: (k: string) => boolean;
  if (Array.isArray(value)) {
    const values = value.map(sprint);
    inSet = (k) => values.some((v) => eitherWay(k, v));
  } else if (typeof value === 'string') {
    if (keys.scalar && wildcardMatch(value, keys.list[0])) return !negated;
    if (!keys.scalar && keys.list.length === 1 && keys.list[0] === value) return !negated;
    if (getOperatorFromStringPattern(value) === '-') {
      const notInRange = value.replace('-', '!-');
      if (keys.scalar) return negated ? !validateValue(keys.list[0], value) : validateValue(keys.list[0], value);
      const test = (k: string): boolean => (negated ? validateValue(k, notInRange) : validateValue(k, value));
      return quantifier === 'any' ? keys.list.some(test) : keys.list.every(test);
    }
    const values = valueStrings(value);
    if (values === undefined) return false;
    inSet = keys.scalar ? (k) => values.includes(k) : (k) => values.some((v) => eitherWay(k, v));
  } else {
    return false;
  }
  if (quantifier === 'any') return negated ? keys.list.some((k) => !inSet(k)) : keys.list.some(inSet);
  return negated ? !keys.list.some(inSet) : keys.list.every(inSet);
}

/** The deprecated In / NotIn: a scalar key is looked up like AnyIn; a list key needs exact string members. */
function legacyIn(key: unknown, value: unknown, negated: boolean): boolean {
  const t = goTypeOf(key);
  if (t === 'string' || t === 'int64' || t === 'float64') {
    const k = t === 'string' ? (key as string) : sprint(key);
    let exists: boolean;
    if (Array.isArray(value)) exists = value.some((v) => eitherWay(sprint(v), k));
    else if (typeof value === 'string') {
      if (wildcardMatch(value, k)) exists = true;
      else {
        const values = strictStringArray(value);
        if (values === undefined) return false;
        exists = values.includes(k);
      }
    } else return false;
    return negated ? !exists : exists;
  }
  if (t !== 'array') return false;
  const keys = key as unknown[];
  if (!keys.every((k) => typeof k === 'string')) return false;
  let set: string[];
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === 'string')) return false;
    set = value as string[];
  } else if (typeof value === 'string') {
    // Kyverno answers "found" here for NotIn too.
    if (keys.length === 1 && keys[0] === value) return true;
    const values = strictStringArray(value);
    if (values === undefined) return false;
    set = values;
  } else return false;
  const members = new Set(set);
  return negated ? (keys as string[]).some((k) => !members.has(k)) : (keys as string[]).every((k) => members.has(k));
}

/** json.Unmarshal into []string: anything else is an error. */
function strictStringArray(value: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

