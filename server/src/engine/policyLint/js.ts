// Small readers for the plain JSON-like value of a document (ParsedDocument.toJS()).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function obj(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

export function arr(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Go's zero-value test after JSON decoding: absent, null, "", false, 0 or an empty object count as unset. */
export function isZero(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false || value === 0) return true;
  if (isObject(value)) return Object.values(value).every(isZero);
  return false;
}

/** Present and not null: what a Go pointer / slice field being non-nil means after decoding. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Structural equality with null and absent treated alike (Go's DeepEqual on decoded structs). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}
