// Kubernetes' resource.ParseQuantity and Quantity.Cmp, as far as Kyverno's comparisons can observe:
// the exact value (rounded away from zero to nano precision, binary-SI values capped at 2^63-1) and
// which strings parse at all. Suffixes: Ki Mi Gi Ti Pi Ei, n u m "" k M G T P E, e<n>/E<n>.

/** sign * coefficient * 10^exponent; exponent may be large (Go keeps it as an int32 scale). */
export interface Quantity {
  sign: -1 | 0 | 1;
  coefficient: bigint; // > 0 unless sign is 0
  exponent: number;
}

const DECIMAL_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
]);

const BINARY_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['Ki', 10],
  ['Mi', 20],
  ['Gi', 30],
  ['Ti', 40],
  ['Pi', 50],
  ['Ei', 60],
]);

const SUFFIX_CHARS = 'eEinumkKMGTP';
const NANO = -9;
const MAX_INT64 = (1n << 63n) - 1n;
const ZERO: Quantity = { sign: 0, coefficient: 0n, exponent: 0 };

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export function parseQuantity(text: string): Quantity | undefined {
  if (text.length === 0) return undefined;
  if (text === '0') return ZERO;
  const scanned = scanQuantity(text);
  if (scanned === undefined) return undefined;
  const { positive, value, num, denom, suffix } = scanned;
  const interpreted = interpretSuffix(suffix);
  if (interpreted === undefined) return undefined;
  const { base, exponent, format } = interpreted;

  // apimachinery has an int64 fast path and an inf.Dec slow path. They agree on the value; the slow
  // path alone rejects a numeric part without digits (".", "+."), so decide which one runs.
  let precision = 0;
  let scale = 0;
  let binaryMantissa = 1n;
  if (format === 'BinarySI') {
    if (exponent >= 0 && denom.length === 0) {
      binaryMantissa = 1n << BigInt(exponent);
      precision = 15 - num.length - Math.trunc(Math.fround(exponent) * 3 / 10) - 1;
    } else {
      precision = -1;
    }
  } else {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  }
  let fastPath = false;
  if (precision >= 0 && scale - denom.length >= NANO) {
    const shifted = BigInt(num + denom) * binaryMantissa;
    fastPath = shifted <= MAX_INT64;
  }
  if (!fastPath && !/[0-9]/.test(value)) return undefined;

  let coefficient = BigInt((num + denom).replace(/^0+/, '') || '0');
  let decimalExponent = -denom.length;
  if (base === 10) decimalExponent += exponent;
  else coefficient <<= BigInt(exponent);
  if (coefficient === 0n) return ZERO;

  // Non-zero values are rounded up (away from zero) to the smallest representable amount, 1n.
  if (decimalExponent < NANO) {
    const drop = NANO - decimalExponent;
    const digits = coefficient.toString().length;
    if (drop > digits) coefficient = 1n;
    else {
      const divisor = 10n ** BigInt(drop);
      const quotient = coefficient / divisor;
      coefficient = quotient * divisor === coefficient ? quotient : quotient + 1n;
    }
    decimalExponent = NANO;
  }
  if (format === 'BinarySI' && !fastPath && compareMagnitude(coefficient, decimalExponent, MAX_INT64, 0) > 0) {
    coefficient = MAX_INT64;
    decimalExponent = 0;
  }
  return { sign: positive ? 1 : -1, coefficient, exponent: decimalExponent };
}

export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  if (a.sign !== b.sign) return a.sign < b.sign ? -1 : 1;
  if (a.sign === 0) return 0;
  const magnitude = compareMagnitude(a.coefficient, a.exponent, b.coefficient, b.exponent);
  if (magnitude === 0) return 0;
  return a.sign === 1 ? magnitude : magnitude === 1 ? -1 : 1;
}

/** Compares c1 * 10^e1 with c2 * 10^e2 for positive coefficients without building huge powers. */
function compareMagnitude(c1: bigint, e1: number, c2: bigint, e2: number): -1 | 0 | 1 {
  const order1 = c1.toString().length + e1;
  const order2 = c2.toString().length + e2;
  if (order1 !== order2) return order1 < order2 ? -1 : 1;
  // Same order of magnitude, so the exponent gap is at most the digit count of one coefficient.
  let x = c1;
  let y = c2;
  if (e1 > e2) x *= 10n ** BigInt(e1 - e2);
  else if (e2 > e1) y *= 10n ** BigInt(e2 - e1);
  return x === y ? 0 : x < y ? -1 : 1;
}

interface Scanned {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

/** apimachinery's parseQuantityString. */
function scanQuantity(str: string): Scanned | undefined {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str, i)) i++;
  if (i >= end) return { positive, value: str, num: str.slice(pos), denom: '', suffix: '' };
  let num = str.slice(pos, i);
  pos = i;
  if (num.length === 0) num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str, i)) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  i = pos;
  while (i < end && SUFFIX_CHARS.includes(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  i = pos;
  while (i < end && isDigit(str, i)) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  return undefined;
}

function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: Format } | undefined {
  const decimal = DECIMAL_SUFFIXES.get(suffix);
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: 'DecimalSI' };
  const binary = BINARY_SUFFIXES.get(suffix);
  if (binary !== undefined) return { base: 2, exponent: binary, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const digits = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(digits)) return undefined;
    const parsed = BigInt(digits);
    if (parsed > MAX_INT64 || parsed < -MAX_INT64 - 1n) return undefined;
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return undefined;
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}
