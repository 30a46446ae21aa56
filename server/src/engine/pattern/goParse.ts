// strconv.ParseInt(s, 10, 64) and strconv.ParseFloat(s, 64), which Kyverno applies to string values
// compared against numeric patterns.

const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

/** strconv.ParseInt(s, 10, 64): optional sign, decimal digits only, int64 range. */
export function parseGoInt64(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value < MIN_INT64 || value > MAX_INT64 ? undefined : value;
}

/**
 * strconv.ParseFloat(s, 64): Go float literal syntax (decimal with optional exponent, hexadecimal
 * mantissa with a mandatory p exponent, `_` between digits), inf/infinity/nan in any case, an
 * optional sign. Out-of-range values are errors in Go, so they are undefined here.
 */
export function parseGoFloat(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s[0] === '+' || s[0] === '-') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === 'infinity') return sign * Infinity;
  if (lower === 'nan') return text.length === s.length ? NaN : undefined;
  if (s.includes('_')) {
    if (!underscoresBetweenDigits(s)) return undefined;
    s = s.replace(/_/g, '');
  }
  let value: number;
  if (/^0[xX]/.test(s)) {
    const hex = parseHexFloat(s.slice(2));
    if (hex === undefined) return undefined;
    value = hex;
  } else {
    if (!/^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(s)) return undefined;
    value = Number(s);
  }
  if (!Number.isFinite(value)) return undefined;
  return sign * value;
}

/** Go's underscoreOK: each `_` sits between digits, or right after a base prefix. */
function underscoresBetweenDigits(s: string): boolean {
  let saw = '^';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1])) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if (/[0-9]/.test(c) || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

function parseHexFloat(body: string): number | undefined {
  const match = /^([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(body);
  if (match === null) return undefined;
  const whole = match[1];
  const fraction = match[2] ?? '';
  if (whole.length + fraction.length === 0) return undefined;
  const mantissa = BigInt(`0x${whole + fraction || '0'}`);
  const exponent = Number(match[3]) - 4 * fraction.length;
  // Exact for every mantissa that fits a double; longer ones round as Number() of a BigInt does.
  return Number(mantissa) * 2 ** exponent;
}
