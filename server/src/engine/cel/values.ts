// Values crossing into and out of CEL. Kubernetes decodes JSON integers as int64 and other numbers as
// float64, so YAML integers become BigInt (CEL `int`) and the rest stay JS numbers (CEL `double`);
// without this `object.spec.replicas + 1` would be a double/int overload error.

export type Segments = (string | number)[];

export interface CelInput {
  /** The converted value handed to CEL. */
  value: unknown;
  /** Where each converted object or list sits in the source value (by identity). */
  paths: WeakMap<object, Segments>;
}

const converted = new WeakMap<object, CelInput>();

/** Converts (and remembers, per source object) a JSON-like value for CEL. */
export function toCelInput(source: unknown): CelInput {
  if (typeof source === 'object' && source !== null) {
    const known = converted.get(source);
    if (known !== undefined) return known;
    const paths = new WeakMap<object, Segments>();
    const input: CelInput = { value: convert(source, [], paths, 0), paths };
    converted.set(source, input);
    return input;
  }
  return { value: convert(source, [], new WeakMap(), 0), paths: new WeakMap() };
}

/** Plain conversion for values that are not located in a document (namespace objects, params...). */
export function toCel(value: unknown): unknown {
  return convert(value, [], undefined, 0);
}

const MAX_DEPTH = 200;

function convert(value: unknown, path: Segments, paths: WeakMap<object, Segments> | undefined, depth: number): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = value.map((v, i) => convert(v, [...path, i], paths, depth + 1));
    paths?.set(out, path);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = convert(v, [...path, k], paths, depth + 1);
  paths?.set(out, path);
  return out;
}

/** A CEL value as text for messages, the way Go's fmt prints it (ints without `n`). */
export function celValueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
    } catch {
      return String(value);
    }
  }
  return String(value);
}
