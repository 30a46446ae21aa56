// Kyverno's custom JMESPath functions (pkg/engine/jmespath/functions.go, arithmetic.go), reimplemented.
// Registered after the standard set, so Kyverno's versions of items/replace/split/sum/trim win.

import { getImageInfo, type ImageConfig } from '../../image';
import { parseGoDuration } from '../../pattern/duration';
import { compareGoStrings } from '../../pattern/goValue';
import { parseQuantity } from '../../pattern/quantity';
import { wildcardMatch } from '../../pattern/wildcard';
import { parseYamlFile } from '../../yaml';
import { functionError, JmesPathError } from '../errors';
import { compileGoRegex } from '../regex';
import { isObject, runes, type JsonObject } from '../values';
import { goBase64Decode, goBase64Encode, goCleanPath, goCompare, goEqualFold, goIfaceToString, goReplace, goRound, goSplit, goToLower, goToUpper, goTrim } from './goStrings';
import { spec, type FunctionSpec } from './registry';
import { semverSatisfies } from './semver';
import { formatGoDuration, TIME_FUNCTIONS } from './time';

const str = (v: unknown): string => v as string;
const num = (v: unknown): number => v as number;

function defineOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Kyverno's ifaceToString, failing with the message of the function and argument position. */
function stringArg(name: string, value: unknown, position: number): string {
  const text = goIfaceToString(value);
  if (text === undefined) throw functionError(name, `${position} argument is expected of String or Real type`);
  return text;
}

function regex(name: string, pattern: string) {
  const compiled = compileGoRegex(pattern);
  if ('error' in compiled) throw functionError(name, compiled.error);
  return compiled;
}

// ---- arithmetic over numbers, durations and quantities -------------------------------------------

type Operand = { kind: 'scalar'; value: number } | { kind: 'duration'; ns: bigint } | { kind: 'quantity'; value: number };

/** Kyverno's parseArithemticOperands: a number, else a quantity, else a duration (so "30m" is 30 milli). */
function operand(value: unknown): Operand | undefined {
  if (typeof value === 'number') return { kind: 'scalar', value };
  if (typeof value === 'string') {
    const q = parseQuantity(value);
    if (q !== undefined) return { kind: 'quantity', value: q.sign * Number(q.coefficient) * 10 ** q.exponent };
    const ns = parseGoDuration(value);
    if (ns !== undefined) return { kind: 'duration', ns };
  }
  return undefined;
}

function operands(name: string, args: unknown[]): [Operand, Operand] {
  const a = operand(args[0]);
  const b = operand(args[1]);
  if (a === undefined || b === undefined) throw functionError(name, 'invalid operands');
  return [a, b];
}

const mismatch = (name: string): JmesPathError => functionError(name, 'types mismatch');
const zeroDivision = (name: string): JmesPathError => functionError(name, 'Zero divisor passed');
/** Results that are quantities need Kubernetes' canonical quantity formatting, which we do not reproduce. */
const quantityResult = (name: string): JmesPathError => functionError(name, 'arithmetic producing a resource quantity is not supported by Registry Guard');

/** Go's time.Duration(float64): truncation toward zero. */
function durationFromSeconds(seconds: number): bigint {
  return BigInt(Math.trunc(seconds * 1e9));
}

function add(name: string, args: unknown[]): unknown {
  const [a, b] = operands(name, args);
  if (a.kind === 'scalar' && b.kind === 'scalar') return a.value + b.value;
  if (a.kind === 'duration' && b.kind === 'duration') return formatGoDuration(a.ns + b.ns);
  if (a.kind === 'quantity' && b.kind === 'quantity') throw quantityResult(name);
  throw mismatch(name);
}

function subtract(args: unknown[]): unknown {
  const [a, b] = operands('subtract', args);
  if (a.kind === 'scalar' && b.kind === 'scalar') return a.value - b.value;
  if (a.kind === 'duration' && b.kind === 'duration') return formatGoDuration(a.ns - b.ns);
  if (a.kind === 'quantity' && b.kind === 'quantity') throw quantityResult('subtract');
  throw mismatch('subtract');
}

function multiply(args: unknown[]): unknown {
  const [a, b] = operands('multiply', args);
  if (a.kind === 'scalar' && b.kind === 'scalar') return a.value * b.value;
  if (a.kind === 'duration' && b.kind === 'scalar') return formatGoDuration(durationFromSeconds((Number(a.ns) / 1e9) * b.value));
  if (a.kind === 'scalar' && b.kind === 'duration') return formatGoDuration(durationFromSeconds((Number(b.ns) / 1e9) * a.value));
  if ((a.kind === 'quantity' && b.kind === 'scalar') || (a.kind === 'scalar' && b.kind === 'quantity')) throw quantityResult('multiply');
  throw mismatch('multiply');
}

function divide(args: unknown[]): unknown {
  const [a, b] = operands('divide', args);
  if (a.kind === 'scalar' && b.kind === 'scalar') {
    if (b.value === 0) throw zeroDivision('divide');
    return a.value / b.value;
  }
  if (a.kind === 'duration' && b.kind === 'duration') {
    if (b.ns === 0n) throw zeroDivision('divide');
    return Number(a.ns) / Number(b.ns);
  }
  if (a.kind === 'duration' && b.kind === 'scalar') {
    if (b.value === 0) throw zeroDivision('divide');
    return formatGoDuration(durationFromSeconds(Number(a.ns) / 1e9 / b.value));
  }
  if (a.kind === 'quantity' && b.kind === 'quantity') {
    if (b.value === 0) throw zeroDivision('divide');
    return a.value / b.value;
  }
  if (a.kind === 'quantity' && b.kind === 'scalar') {
    if (b.value === 0) throw zeroDivision('divide');
    throw quantityResult('divide');
  }
  throw mismatch('divide');
}

function modulo(args: unknown[]): unknown {
  const [a, b] = operands('modulo', args);
  if (a.kind === 'scalar' && b.kind === 'scalar') {
    if (!Number.isInteger(a.value) || !Number.isInteger(b.value)) throw functionError('modulo', 'Non-integer argument(s) passed for modulo');
    if (b.value === 0) throw zeroDivision('modulo');
    return a.value % b.value;
  }
  if (a.kind === 'duration' && b.kind === 'duration') {
    if (b.ns === 0n) throw zeroDivision('modulo');
    return formatGoDuration(a.ns % b.ns);
  }
  if (a.kind === 'quantity' && b.kind === 'quantity') throw quantityResult('modulo');
  throw mismatch('modulo');
}

// ---- the table -----------------------------------------------------------------------------------

export function kyvernoFunctions(imageConfig?: ImageConfig): ReadonlyMap<string, FunctionSpec> {
  return new Map<string, FunctionSpec>([
    ['compare', spec([['string'], ['string']], ([a, b]) => goCompare(str(a), str(b)))],
    ['equal_fold', spec([['string'], ['string']], ([a, b]) => goEqualFold(str(a), str(b)))],
    ['replace', spec([['string'], ['string'], ['string'], ['number']], ([s, o, n, count]) => goReplace(str(s), str(o), str(n), Math.trunc(num(count))))],
    ['replace_all', spec([['string'], ['string'], ['string']], ([s, o, n]) => goReplace(str(s), str(o), str(n), -1))],
    ['to_upper', spec([['string']], ([s]) => goToUpper(str(s)))],
    ['to_lower', spec([['string']], ([s]) => goToLower(str(s)))],
    ['trim', spec([['string'], ['string']], ([s, cut]) => goTrim(str(s), str(cut)))],
    ['trim_prefix', spec([['string'], ['string']], ([s, p]) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)))],
    ['split', spec([['string'], ['string']], ([s, sep]) => goSplit(str(s), str(sep)))],
    [
      'regex_replace_all',
      spec([['string'], ['string', 'number'], ['string', 'number']], ([re, src, repl]) => {
        const source = stringArg('regex_replace_all', src, 2);
        const replacement = stringArg('regex_replace_all', repl, 3);
        return regex('regex_replace_all', str(re)).replaceAll(source, replacement, false);
      }),
    ],
    [
      'regex_replace_all_literal',
      spec([['string'], ['string', 'number'], ['string', 'number']], ([re, src, repl]) => {
        const source = stringArg('regex_replace_all_literal', src, 2);
        const replacement = stringArg('regex_replace_all_literal', repl, 3);
        return regex('regex_replace_all_literal', str(re)).replaceAll(source, replacement, true);
      }),
    ],
    [
      'regex_match',
      spec([['string'], ['string', 'number']], ([re, src]) => {
        const source = stringArg('regex_match', src, 2);
        const compiled = compileGoRegex(str(re));
        // Go's regexp.Match returns the compile error itself, without the function prefix.
        if ('error' in compiled) throw new JmesPathError(compiled.error, 'function');
        return compiled.test(source);
      }),
    ],
    ['pattern_match', spec([['string'], ['string', 'number']], ([pattern, src]) => wildcardMatch(str(pattern), stringArg('regex_match', src, 2)))],
    [
      'label_match',
      spec([['object'], ['object']], ([labels, target]) => {
        const from = labels as JsonObject;
        const into = target as JsonObject;
        return Object.keys(from).every((k) => Object.prototype.hasOwnProperty.call(into, k) && scalarEquals(into[k], from[k]));
      }),
    ],
    [
      'to_boolean',
      spec([['string']], ([s]) => {
        const lower = goToLower(str(s));
        if (lower === 'true') return true;
        if (lower === 'false') return false;
        throw functionError('to_boolean', `lowercase argument must be 'true' or 'false' (provided: '${str(s)}')`);
      }),
    ],
    ['add', spec([['any'], ['any']], (args) => add('add', args))],
    [
      'sum',
      spec([['array']], ([items]) => {
        const list = items as unknown[];
        if (list.length === 0) throw functionError('sum', 'at least one element in the array is required');
        return list.slice(1).reduce((acc, item) => add('sum', [acc, item]), list[0]);
      }),
    ],
    ['subtract', spec([['any'], ['any']], subtract)],
    ['multiply', spec([['any'], ['any']], multiply)],
    ['divide', spec([['any'], ['any']], divide)],
    ['modulo', spec([['any'], ['any']], modulo)],
    [
      'round',
      spec([['number'], ['number']], ([value, digits]) => {
        if (!Number.isInteger(num(digits))) throw functionError('round', 'Non-integer argument(s) passed for round off');
        // Kyverno formats this error without its arguments, so Go prints %!d(MISSING).
        if (num(digits) < 0) throw functionError('round', '%!d(MISSING) argument is out of bounds (%!d(MISSING))');
        const shift = 10 ** num(digits);
        return goRound(num(value) * shift) / shift;
      }),
    ],
    [
      'base64_decode',
      spec([['string']], ([s]) => {
        const decoded = goBase64Decode(str(s));
        if (typeof decoded !== 'string') throw new JmesPathError(decoded.error, 'function');
        return decoded;
      }),
    ],
    ['base64_encode', spec([['string']], ([s]) => goBase64Encode(str(s)))],
    ['path_canonicalize', spec([['string']], ([s]) => (str(s) === '' ? '' : goCleanPath(str(s))))],
    [
      'truncate',
      spec([['string'], ['number']], ([s, length]) => {
        const rs = runes(str(s));
        const n = Math.max(0, Math.trunc(num(length)));
        return rs.length <= n ? str(s) : rs.slice(0, n).join('');
      }),
    ],
    ['semver_compare', spec([['string'], ['string']], ([version, range]) => {
      const result = semverSatisfies(str(version), str(range));
      if (typeof result !== 'boolean') throw new JmesPathError(result.error, 'function');
      return result;
    })],
    [
      'parse_json',
      spec([['string']], ([s]) => {
        try {
          return JSON.parse(str(s)) as unknown;
        } catch (error) {
          throw new JmesPathError(`invalid JSON: ${(error as Error).message}`, 'function');
        }
      }),
    ],
    [
      'parse_yaml',
      spec([['string']], ([s]) => {
        const file = parseYamlFile(str(s));
        const first = file.documents[0];
        if (first === undefined) return null;
        if (first.parsed.errors.length > 0) throw new JmesPathError(`error converting YAML to JSON: ${first.parsed.errors[0].message}`, 'function');
        return first.parsed.toJS() ?? null;
      }),
    ],
    [
      'lookup',
      spec([['object', 'array'], ['string', 'number']], ([collection, key]) => {
        if (isObject(collection)) {
          if (typeof key !== 'string') throw functionError('lookup', '2 argument is expected of String type');
          return Object.prototype.hasOwnProperty.call(collection, key) ? (collection[key] ?? null) : null;
        }
        const list = collection as unknown[];
        if (typeof key !== 'number') throw functionError('lookup', '2 argument is expected of Number type');
        if (!Number.isInteger(key)) throw new JmesPathError(`JMESPath function 'lookup': argument #2: expected an integer number but got: ${key}`, 'function');
        return key < 0 || key > list.length - 1 ? null : (list[key] ?? null);
      }),
    ],
    [
      'items',
      spec([['object', 'array'], ['string'], ['string']], ([collection, keyName, valueName]) => {
        const pair = (k: unknown, v: unknown): JsonObject => {
          const item: JsonObject = {};
          defineOwn(item, str(keyName), k);
          defineOwn(item, str(valueName), v);
          return item;
        };
        if (Array.isArray(collection)) return collection.map((v, i) => pair(i, v));
        const map = collection as JsonObject;
        return Object.keys(map)
          .sort(compareGoStrings)
          .map((k) => pair(k, map[k]));
      }),
    ],
    [
      'object_from_lists',
      spec([['array'], ['array']], ([keys, values]) => {
        const out: JsonObject = {};
        (keys as unknown[]).forEach((k, i) => {
          const key = goIfaceToString(k);
          if (key === undefined) throw functionError('object_from_lists', '1 argument is expected of StringArray type');
          defineOwn(out, key, i < (values as unknown[]).length ? (values as unknown[])[i] : null);
        });
        return out;
      }),
    ],
    [
      'image_normalize',
      spec([['string']], ([image]) => {
        const info = getImageInfo(str(image), imageConfig);
        if ('error' in info) throw functionError('image_normalize', info.error);
        return info.reference;
      }),
    ],
    ['random', spec([['string']], () => {
      throw functionError('random', 'random values are not supported by Registry Guard');
    })],
    ['x509_decode', spec([['string']], () => {
      throw functionError('x509_decode', 'certificate decoding is not supported by Registry Guard');
    })],
    ...TIME_FUNCTIONS,
  ]);
}

/** Go's `val != value` on interface values holding scalars (composite values never compare equal here). */
function scalarEquals(a: unknown, b: unknown): boolean {
  if (typeof a === 'object' && a !== null) return false;
  return (a ?? null) === (b ?? null);
}
