// The built-in JMESPath functions (jmespath-community go-jmespath), before Kyverno adds or overrides
// its own. Where Kyverno replaces one (items, replace, split, sum, trim) its version wins.

import { compareGoStrings, formatGoValue } from '../../pattern/goValue';
import { parseGoFloat } from '../../pattern/goParse';
import { JmesPathError } from '../errors';
import { type ExpressionRef } from '../interpreter';
import { deepEqual, goJsonMarshal, jmesTypeOf, runes, type JsonObject } from '../values';
import { spec, type FunctionSpec } from './registry';

const str = (v: unknown): string => v as string;
const num = (v: unknown): number => v as number;
const arr = (v: unknown): unknown[] => v as unknown[];
const obj = (v: unknown): JsonObject => v as JsonObject;
const ref = (v: unknown): ExpressionRef => v as ExpressionRef;

function invalidType(value: unknown, expected: string): JmesPathError {
  return new JmesPathError(`Invalid type for: ${formatGoValue(value ?? null)}, expected: ${expected}`, 'function');
}

/** Keys for sort_by / min_by / max_by must be all numbers or all strings. */
function comparableKeys(items: unknown[], key: ExpressionRef): { keys: (number | string)[]; kind: 'number' | 'string' | 'empty' } {
  const keys = items.map((item) => key.apply(item));
  if (keys.length === 0) return { keys: [], kind: 'empty' };
  if (keys.every((k) => typeof k === 'number')) return { keys: keys as number[], kind: 'number' };
  if (keys.every((k) => typeof k === 'string')) return { keys: keys as string[], kind: 'string' };
  throw new JmesPathError('invalid type, must be number of string', 'function');
}

function compareKeys(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareGoStrings(a as string, b as string);
}

function extreme(items: unknown[], pick: (cmp: number) => boolean): unknown {
  if (items.length === 0) return null;
  let best = items[0] as number | string;
  for (const item of items.slice(1)) if (pick(compareKeys(item as number | string, best))) best = item as number | string;
  return best;
}

function extremeBy(items: unknown[], key: ExpressionRef, pick: (cmp: number) => boolean): unknown {
  const { keys, kind } = comparableKeys(items, key);
  if (kind === 'empty') return null;
  let bestIndex = 0;
  for (let i = 1; i < keys.length; i++) if (pick(compareKeys(keys[i], keys[bestIndex]))) bestIndex = i;
  return items[bestIndex];
}

function padding(args: unknown[], left: boolean): string {
  const text = str(args[0]);
  const width = num(args[1]);
  const pad = args.length > 2 ? str(args[2]) : ' ';
  if (runes(pad).length !== 1) throw new JmesPathError('pad must be a single character', 'function');
  const missing = Math.max(0, Math.trunc(width) - runes(text).length);
  return left ? pad.repeat(missing) + text : text + pad.repeat(missing);
}

function findIndex(args: unknown[], last: boolean): number | null {
  const subject = runes(str(args[0]));
  const search = runes(str(args[1]));
  const start = args.length > 2 ? Math.trunc(num(args[2])) : 0;
  const end = args.length > 3 ? Math.trunc(num(args[3])) : subject.length;
  const from = Math.max(0, start < 0 ? start + subject.length : start);
  const to = Math.min(subject.length, end < 0 ? end + subject.length : end);
  const candidates: number[] = [];
  for (let i = from; i + search.length <= to; i++) {
    if (search.every((r, j) => subject[i + j] === r)) {
      if (!last) return i;
      candidates.push(i);
    }
  }
  return candidates.length > 0 ? candidates[candidates.length - 1] : null;
}

function trimSide(args: unknown[], side: 'left' | 'right'): string {
  const text = runes(str(args[0]));
  const chars = args.length > 1 && str(args[1]) !== '' ? new Set(runes(str(args[1]))) : undefined;
  const isCut = (r: string): boolean => (chars ? chars.has(r) : /\s/u.test(r));
  let start = 0;
  let end = text.length;
  if (side === 'left') while (start < end && isCut(text[start])) start++;
  else while (end > start && isCut(text[end - 1])) end--;
  return text.slice(start, end).join('');
}

export const STANDARD_FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['abs', spec([['number']], ([v]) => Math.abs(num(v)))],
  ['avg', spec([['array[number]']], ([v]) => (arr(v).length === 0 ? null : arr(v).reduce<number>((s, x) => s + num(x), 0) / arr(v).length))],
  ['ceil', spec([['number']], ([v]) => Math.ceil(num(v)))],
  ['floor', spec([['number']], ([v]) => Math.floor(num(v)))],
  [
    'contains',
    spec([['array', 'string'], ['any']], ([subject, search]) => {
      if (typeof subject === 'string') return typeof search === 'string' ? subject.includes(search) : false;
      return arr(subject).some((item) => deepEqual(item, search));
    }),
  ],
  ['ends_with', spec([['string'], ['string']], ([s, suffix]) => str(s).endsWith(str(suffix)))],
  ['starts_with', spec([['string'], ['string']], ([s, prefix]) => str(s).startsWith(str(prefix)))],
  ['join', spec([['string'], ['array[string]']], ([glue, items]) => arr(items).join(str(glue)))],
  ['keys', spec([['object']], ([o]) => Object.keys(obj(o)))],
  ['values', spec([['object']], ([o]) => Object.values(obj(o)))],
  [
    'length',
    spec([['string', 'array', 'object']], ([v]) => {
      if (typeof v === 'string') return runes(v).length;
      if (Array.isArray(v)) return v.length;
      return Object.keys(obj(v)).length;
    }),
  ],
  ['map', spec([['expref'], ['array']], ([key, items]) => arr(items).map((item) => ref(key).apply(item) ?? null))],
  ['max', spec([['array[number]', 'array[string]']], ([v]) => extreme(arr(v), (c) => c > 0))],
  ['min', spec([['array[number]', 'array[string]']], ([v]) => extreme(arr(v), (c) => c < 0))],
  ['max_by', spec([['array'], ['expref']], ([items, key]) => extremeBy(arr(items), ref(key), (c) => c > 0))],
  ['min_by', spec([['array'], ['expref']], ([items, key]) => extremeBy(arr(items), ref(key), (c) => c < 0))],
  [
    'merge',
    spec([{ types: ['object'], variadic: true }], (objects) => {
      const merged: JsonObject = {};
      for (const o of objects) for (const [k, v] of Object.entries(obj(o))) Object.defineProperty(merged, k, { value: v, enumerable: true, writable: true, configurable: true });
      return merged;
    }),
  ],
  ['not_null', spec([{ types: ['any'], variadic: true }], (values) => values.find((v) => v !== null && v !== undefined) ?? null)],
  ['reverse', spec([['string', 'array']], ([v]) => (typeof v === 'string' ? runes(v).reverse().join('') : [...arr(v)].reverse()))],
  [
    'sort',
    spec([['array[number]', 'array[string]']], ([v]) => [...arr(v)].sort((a, b) => compareKeys(a as number | string, b as number | string))),
  ],
  [
    'sort_by',
    spec([['array'], ['expref']], ([items, key]) => {
      const { keys } = comparableKeys(arr(items), ref(key));
      return arr(items)
        .map((item, i) => ({ item, key: keys[i], i }))
        .sort((a, b) => compareKeys(a.key, b.key) || a.i - b.i)
        .map((x) => x.item);
    }),
  ],
  ['sum', spec([['array[number]']], ([v]) => arr(v).reduce<number>((s, x) => s + num(x), 0))],
  ['to_array', spec([['any']], ([v]) => (Array.isArray(v) ? v : [v]))],
  [
    'to_number',
    spec([['any']], ([v]) => {
      if (typeof v === 'number') return v;
      if (typeof v === 'string') return parseGoFloat(v) ?? null;
      return null;
    }),
  ],
  [
    'to_string',
    spec([['any']], ([v]) => {
      if (typeof v === 'string') return v;
      try {
        return goJsonMarshal(v);
      } catch (error) {
        throw new JmesPathError((error as Error).message, 'function');
      }
    }),
  ],
  ['type', spec([['any']], ([v]) => jmesTypeOf(v))],
  // jmespath-community additions
  ['lower', spec([['string']], ([s]) => str(s).toLowerCase())],
  ['upper', spec([['string']], ([s]) => str(s).toUpperCase())],
  ['trim_left', spec([['string'], { types: ['string'], optional: true }], (args) => trimSide(args, 'left'))],
  ['trim_right', spec([['string'], { types: ['string'], optional: true }], (args) => trimSide(args, 'right'))],
  ['pad_left', spec([['string'], ['number'], { types: ['string'], optional: true }], (args) => padding(args, true))],
  ['pad_right', spec([['string'], ['number'], { types: ['string'], optional: true }], (args) => padding(args, false))],
  ['find_first', spec([['string'], ['string'], { types: ['number'], optional: true }, { types: ['number'], optional: true }], (args) => findIndex(args, false))],
  ['find_last', spec([['string'], ['string'], { types: ['number'], optional: true }, { types: ['number'], optional: true }], (args) => findIndex(args, true))],
  [
    'from_items',
    spec([['array']], ([items]) => {
      const out: JsonObject = {};
      for (const item of arr(items)) {
        if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'string') throw invalidType(item, 'array of [string, any] pairs');
        Object.defineProperty(out, item[0], { value: item[1], enumerable: true, writable: true, configurable: true });
      }
      return out;
    }),
  ],
  [
    'group_by',
    spec([['array'], ['expref']], ([items, key]) => {
      const out: JsonObject = {};
      for (const item of arr(items)) {
        const k = ref(key).apply(item);
        if (k === null || k === undefined) continue;
        if (typeof k !== 'string') throw invalidType(k, 'string');
        if (!Object.prototype.hasOwnProperty.call(out, k)) Object.defineProperty(out, k, { value: [], enumerable: true, writable: true, configurable: true });
        (out[k] as unknown[]).push(item);
      }
      return out;
    }),
  ],
  [
    'zip',
    spec([{ types: ['array'], variadic: true }], (lists) => {
      const n = Math.min(...lists.map((l) => arr(l).length));
      return Array.from({ length: n }, (_, i) => lists.map((l) => arr(l)[i]));
    }),
  ],
]);

