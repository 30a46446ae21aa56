// Kyverno's pattern code switches on Go dynamic types. Policies and resources reach us as plain JS
// values, so this module decides which Go type each value would have had, and formats values the way
// Go's fmt and strconv print them (Kyverno's error messages embed `%v` and `%T` output).

/**
 * A number that Go holds as float64 even though it has no fraction. YAML/JSON decoding never produces
 * one (integral numbers become int64, exactly as in Kubernetes' unstructured decoding); it exists for
 * callers, such as the conformance tests, that must reproduce a Go test's explicit `float64(7)`.
 */
export class Float64 {
  constructor(readonly value: number) {}
}

export type GoType = 'nil' | 'bool' | 'int64' | 'float64' | 'string' | 'map' | 'array' | 'unknown';

const TWO_POW_63 = 2 ** 63;

/** The Go dynamic type Kubernetes' JSON decoding gives a plain JS value. */
export function goTypeOf(value: unknown): GoType {
  if (value === null) return 'nil';
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'number':
      // apimachinery's JSON decoding keeps a number as int64 when its text parses as one; YAML
      // floats without a fraction are re-marshalled without a decimal point, so they do too.
      return Number.isInteger(value) && Math.abs(value) < TWO_POW_63 ? 'int64' : 'float64';
    case 'object':
      if (value instanceof Float64) return 'float64';
      return Array.isArray(value) ? 'array' : 'map';
    default:
      return 'unknown';
  }
}

export function isGoMap(value: unknown): value is Record<string, unknown> {
  return goTypeOf(value) === 'map';
}

/** Scalars in the sense of Kyverno's `case string, float64, int, int64, bool, nil`. */
export function isGoScalar(value: unknown): boolean {
  const t = goTypeOf(value);
  return t === 'nil' || t === 'bool' || t === 'int64' || t === 'float64' || t === 'string';
}

export function numberValue(value: unknown): number {
  return value instanceof Float64 ? value.value : (value as number);
}

/** Own-property lookup, so keys such as "constructor" never resolve to Object.prototype members. */
export function ownValue(map: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

export function hasOwn(map: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

/** Go's sort.Strings order: bytewise on UTF-8, which is code point order (not UTF-16 unit order). */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    const surrogateA = ca >= 0xd800 && ca <= 0xdfff;
    const surrogateB = cb >= 0xd800 && cb <= 0xdfff;
    // A surrogate encodes a code point above U+FFFF, which sorts after every BMP character.
    if (surrogateA !== surrogateB) return surrogateA ? 1 : -1;
    return ca - cb;
  }
  return a.length - b.length;
}

/** Go's `%T` for the value's decoded type, as printed in Kyverno's structure errors. */
export function goTypeName(value: unknown): string {
  switch (goTypeOf(value)) {
    case 'nil':
      return '<nil>';
    case 'bool':
      return 'bool';
    case 'int64':
      return 'int64';
    case 'float64':
      return 'float64';
    case 'string':
      return 'string';
    case 'map':
      return 'map[string]interface {}';
    case 'array':
      return '[]interface {}';
    default:
      return typeof value;
  }
}

/** Go's `%v`: maps print as `map[k:v ...]` with sorted keys, slices as `[a b]`, nil as `<nil>`. */
export function formatGoValue(value: unknown): string {
  switch (goTypeOf(value)) {
    case 'nil':
      return '<nil>';
    case 'bool':
      return value ? 'true' : 'false';
    case 'int64':
      return formatInteger(numberValue(value));
    case 'float64':
      return formatFloatG(numberValue(value));
    case 'string':
      return value as string;
    case 'array':
      return `[${(value as unknown[]).map(formatGoValue).join(' ')}]`;
    case 'map': {
      const map = value as Record<string, unknown>;
      const keys = Object.keys(map).sort(compareGoStrings);
      return `map[${keys.map((k) => `${k}:${formatGoValue(map[k])}`).join(' ')}]`;
    }
    default:
      return String(value);
  }
}

export function formatInteger(value: number): string {
  return Object.is(value, -0) ? '0' : BigInt(value).toString();
}

interface ShortestDigits {
  negative: boolean;
  digits: string; // significant digits without a decimal point, no leading zeros ("0" for zero)
  exponent: number; // decimal exponent of the first digit
}

/** The shortest digits that round-trip, as Go's strconv computes them (same as ECMAScript's). */
function shortestDigits(value: number): ShortestDigits {
  const negative = value < 0 || Object.is(value, -0);
  const text = Math.abs(value).toExponential(); // no argument: as many digits as needed, no more
  const [mantissa, exp] = text.split('e');
  return { negative, digits: mantissa.replace('.', ''), exponent: Number(exp) };
}

function nonFinite(value: number): string | undefined {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return undefined;
}

function exponentSuffix(letter: string, exponent: number): string {
  const abs = Math.abs(exponent);
  return `${letter}${exponent < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

/** strconv.FormatFloat(v, 'E', -1, 64): `1E+00`, `3.1E+00`, `-1.2345E-07`. */
export function formatFloatE(value: number): string {
  const special = nonFinite(value);
  if (special !== undefined) return special;
  const { negative, digits, exponent } = shortestDigits(value);
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${negative ? '-' : ''}${mantissa}${exponentSuffix('E', exponent)}`;
}

/** fmt's `%v` for float64: strconv 'g' with shortest digits, exponent form when exp < -4 || exp >= 6. */
export function formatFloatG(value: number): string {
  const special = nonFinite(value);
  if (special !== undefined) return special;
  const { negative, digits, exponent } = shortestDigits(value);
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}${exponentSuffix('e', exponent)}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/** fmt's `%f` (6 decimals, exact round-half-even on the binary value, like Go). */
export function formatFloatFixed6(value: number): string {
  const special = nonFinite(value);
  if (special !== undefined) return special;
  const negative = value < 0 || Object.is(value, -0);
  const { mantissa, exponent } = decompose(Math.abs(value));
  let scaled: bigint;
  if (exponent >= 0) {
    scaled = (mantissa << BigInt(exponent)) * 1_000_000n;
  } else {
    const numerator = mantissa * 1_000_000n;
    const denominator = 1n << BigInt(-exponent);
    scaled = numerator / denominator;
    const twiceRemainder = (numerator % denominator) * 2n;
    if (twiceRemainder > denominator || (twiceRemainder === denominator && (scaled & 1n) === 1n)) scaled += 1n;
  }
  const text = scaled.toString().padStart(7, '0');
  return `${negative ? '-' : ''}${text.slice(0, -6)}.${text.slice(-6)}`;
}

/** A finite non-negative double as mantissa * 2^exponent with an integer mantissa. */
function decompose(value: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biasedExponent = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biasedExponent === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biasedExponent - 1075 };
}

/** Assigns an own data property; plain assignment to "__proto__" would replace the prototype. */
export function setOwn(map: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
}
