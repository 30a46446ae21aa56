// JSON values as JMESPath and Go see them: truthiness, deep equality, type names, Go's json.Marshal.

import { compareGoStrings } from '../pattern/goValue';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JMESPath falsiness: null, false, "", [] and {} are false; every number (0 included) is true. */
export function isFalse(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.keys(value).length === 0;
  return false;
}

export type JmesType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

export function jmesTypeOf(value: unknown): JmesType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}

/** reflect.DeepEqual over decoded JSON (numbers compared by value). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** The code points of a string, as Go ranges over runes. */
export function runes(text: string): string[] {
  return Array.from(text);
}

/**
 * Go's encoding/json Marshal: object keys sorted bytewise, `<`, `>`, `&`, U+2028 and U+2029 escaped,
 * numbers in the same shortest form as JavaScript. Throws on NaN and infinities, as Go errors.
 */
export function goJsonMarshal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`json: unsupported value: ${value}`);
      return Object.is(value, -0) ? '-0' : JSON.stringify(value);
    case 'string':
      return goJsonString(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(goJsonMarshal).join(',')}]`;
      const map = value as JsonObject;
      const keys = Object.keys(map).sort(compareGoStrings);
      return `{${keys.map((k) => `${goJsonString(k)}:${goJsonMarshal(map[k])}`).join(',')}}`;
    }
    default:
      throw new Error(`json: unsupported type: ${typeof value}`);
  }
}

function goJsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const isPair = c <= 0xdbff && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff;
      if (isPair) {
        out += text[i] + text[i + 1];
        i++;
      } else {
        out += '\\ufffd'; // Go replaces invalid UTF-8 with the replacement character
      }
      continue;
    }
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      default:
        if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
          out += `\\u${c.toString(16).padStart(4, '0')}`;
        } else {
          out += text[i];
        }
    }
  }
  return `${out}"`;
}
