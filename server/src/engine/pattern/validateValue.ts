// Kyverno's pattern.Validate: one resource value against one pattern value (semantics §1).

import { parseGoDuration } from './duration';
import { parseGoFloat, parseGoInt64 } from './goParse';
import { formatFloatE, formatFloatFixed6, formatInteger, goTypeOf, numberValue } from './goValue';
import { getOperatorFromStringPattern, splitRange, type Operator } from './operator';
import { compareQuantities, parseQuantity, type Quantity } from './quantity';
import { wildcardMatcher } from './wildcard';
import { goTrimSpace } from './anchor';

export function validateValue(value: unknown, pattern: unknown): boolean {
  switch (goTypeOf(pattern)) {
    case 'bool':
      return typeof value === 'boolean' && value === pattern;
    case 'int64':
      return validateIntPattern(value, numberValue(pattern));
    case 'float64':
      return validateFloatPattern(value, numberValue(pattern));
    case 'nil':
      return validateNilPattern(value);
    case 'map':
      // Only the kind is checked here; the walker validates the children.
      return goTypeOf(value) === 'map';
    case 'string':
      return validateStringPatterns(value, pattern as string);
    default:
      // Arrays are not supported as scalar patterns, and nothing else comes out of YAML.
      return false;
  }
}

function validateIntPattern(value: unknown, pattern: number): boolean {
  switch (goTypeOf(value)) {
    case 'int64':
      return numberValue(value) === pattern;
    case 'float64': {
      const v = numberValue(value);
      return Number.isInteger(v) && v === pattern;
    }
    case 'string': {
      const parsed = parseGoInt64(value as string);
      return parsed !== undefined && Number.isInteger(pattern) && parsed === BigInt(pattern);
    }
    default:
      return false;
  }
}

function validateFloatPattern(value: unknown, pattern: number): boolean {
  switch (goTypeOf(value)) {
    case 'int64':
      return Number.isInteger(pattern) && pattern === numberValue(value);
    case 'float64':
      return numberValue(value) === pattern;
    case 'string': {
      const parsed = parseGoFloat(value as string);
      return parsed !== undefined && parsed === pattern;
    }
    default:
      return false;
  }
}

function validateNilPattern(value: unknown): boolean {
  switch (goTypeOf(value)) {
    case 'nil':
      return true;
    case 'int64':
    case 'float64':
      return numberValue(value) === 0;
    case 'string':
      return value === '';
    case 'bool':
      return value === false;
    default:
      return false;
  }
}

/** `a | b & c`: OR of ANDs, after a literal-equality shortcut. */
export function validateStringPatterns(value: unknown, pattern: string): boolean {
  if (value === pattern) return true;
  for (const alternative of compiledStringPattern(pattern)) {
    if (checkAndConditions(value, alternative)) return true;
  }
  return false;
}

function checkAndConditions(value: unknown, parts: readonly StringCheck[]): boolean {
  for (const part of parts) {
    if (!checkString(value, part)) return false;
  }
  return true;
}

/** One `&` part of a string pattern, with its operator worked out. */
type StringCheck =
  | { op: '-' | '!-'; range: { left: string; right: string } | undefined }
  | { op: Exclude<Operator, '-' | '!-'>; operand: string };

/**
 * String patterns split into `|` alternatives of `&` parts, per pattern text: a policy's few patterns
 * are checked against every image of every resource, and the split does not depend on the value.
 */
const compiledStringPatterns = new Map<string, StringCheck[][]>();
const COMPILED_STRING_PATTERNS_LIMIT = 5_000;

function compiledStringPattern(pattern: string): StringCheck[][] {
  let compiled = compiledStringPatterns.get(pattern);
  if (compiled === undefined) {
    compiled = pattern.split('|').map((alternative) => trimSpaces(alternative).split('&').map((part) => stringCheck(trimSpaces(part))));
    if (compiledStringPatterns.size >= COMPILED_STRING_PATTERNS_LIMIT) compiledStringPatterns.clear();
    compiledStringPatterns.set(pattern, compiled);
  }
  return compiled;
}

function stringCheck(pattern: string): StringCheck {
  const op = getOperatorFromStringPattern(pattern);
  if (op === '-' || op === '!-') return { op, range: splitRange(pattern, op) };
  return { op, operand: goTrimSpace(pattern.slice(op.length)) };
}

function checkString(value: unknown, check: StringCheck): boolean {
  if (!('range' in check)) return validateString(value, check.operand, check.op);
  if (check.range === undefined) return false;
  if (check.op === '-') return validateString(value, check.range.left, '>=') && validateString(value, check.range.right, '<=');
  return validateString(value, check.range.left, '<') || validateString(value, check.range.right, '>');
}

export function validateStringPattern(value: unknown, pattern: string): boolean {
  return checkString(value, stringCheck(pattern));
}

/** The first comparison that can parse both sides decides: duration, then quantity, then string. */
export function validateString(value: unknown, pattern: string, op: Operator): boolean {
  const duration = compareDuration(value, pattern, op);
  if (duration !== undefined) return duration;
  const quantity = compareQuantity(value, pattern, op);
  if (quantity !== undefined) return quantity;
  return compareString(value, pattern, op);
}

/** The pattern side of the duration, quantity and string comparisons, worked out once per pattern operand. */
interface Expected { duration: bigint | undefined; quantity: Quantity | undefined; matches: (text: string) => boolean }
const expectedByPattern = new Map<string, Expected>();
const EXPECTED_LIMIT = 5_000;

function expectedOf(pattern: string): Expected {
  let expected = expectedByPattern.get(pattern);
  if (expected === undefined) {
    expected = { duration: parseGoDuration(pattern), quantity: parseQuantity(pattern), matches: wildcardMatcher(pattern) };
    if (expectedByPattern.size >= EXPECTED_LIMIT) expectedByPattern.clear();
    expectedByPattern.set(pattern, expected);
  }
  return expected;
}

function compareDuration(value: unknown, pattern: string, op: Operator): boolean | undefined {
  const expected = expectedOf(pattern).duration;
  if (expected === undefined) return undefined;
  const text = convertNumberToString(value);
  if (text === undefined) return undefined;
  const actual = parseGoDuration(text);
  if (actual === undefined) return undefined;
  return compareOrdered(actual < expected ? -1 : actual > expected ? 1 : 0, op);
}

function compareQuantity(value: unknown, pattern: string, op: Operator): boolean | undefined {
  const expected = expectedOf(pattern).quantity;
  if (expected === undefined) return undefined;
  const text = convertNumberToString(value);
  if (text === undefined) return undefined;
  const actual = parseQuantity(text);
  if (actual === undefined) return undefined;
  return compareOrdered(compareQuantities(actual, expected), op);
}

function compareOrdered(order: -1 | 0 | 1, op: Operator): boolean | undefined {
  switch (op) {
    case '':
      return order === 0;
    case '!':
      return order !== 0;
    case '>':
      return order > 0;
    case '<':
      return order < 0;
    case '>=':
      return order >= 0;
    case '<=':
      return order <= 0;
    default:
      return undefined;
  }
}

/** Only Equal and NotEqual apply to strings; the value is stringified Go-style, nil never matches. */
export function compareString(value: unknown, pattern: string, op: Operator): boolean {
  if (op !== '' && op !== '!') return false;
  let text: string;
  switch (goTypeOf(value)) {
    case 'float64':
      text = formatFloatE(numberValue(value));
      break;
    case 'int64':
      text = formatInteger(numberValue(value));
      break;
    case 'string':
      text = value as string;
      break;
    case 'bool':
      text = value ? 'true' : 'false';
      break;
    default:
      return false;
  }
  const matched = expectedOf(pattern).matches(text);
  return op === '!' ? !matched : matched;
}

/** The value as text for the duration and quantity parsers; undefined where Go returns an error. */
export function convertNumberToString(value: unknown): string | undefined {
  switch (goTypeOf(value)) {
    case 'nil':
      return '0';
    case 'string':
      return value as string;
    case 'float64':
      return formatFloatFixed6(numberValue(value));
    case 'int64':
      return formatInteger(numberValue(value));
    default:
      return undefined;
  }
}

/** strings.Trim(s, " "): spaces only, not other whitespace. */
function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === ' ') start++;
  while (end > start && text[end - 1] === ' ') end--;
  return text.slice(start, end);
}
