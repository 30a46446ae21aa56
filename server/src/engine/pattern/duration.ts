// Go's time.ParseDuration: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` or a bare "0", in nanoseconds.

const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n], // U+00B5 micro sign
  ['\u03bcs', 1_000n], // U+03BC Greek small letter mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const MAX_UINT63 = 1n << 63n;

/** Nanoseconds, or undefined when Go would return an error. */
export function parseGoDuration(text: string): bigint | undefined {
  let s = text;
  let negative = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  let i = 0;
  while (i < s.length) {
    if (!(s[i] === '.' || isDigit(s, i))) return undefined;
    // Integer part: Go fails on overflow past 2^63.
    const intStart = i;
    let whole = 0n;
    while (i < s.length && isDigit(s, i)) {
      if (whole > MAX_UINT63 / 10n) return undefined;
      whole = whole * 10n + BigInt(s.charCodeAt(i) - 0x30);
      if (whole > MAX_UINT63) return undefined;
      i++;
    }
    const sawInteger = i > intStart;
    // Fraction: digits past what fits are ignored rather than rejected.
    let fraction = 0n;
    let scale = 1;
    let sawFraction = false;
    if (s[i] === '.') {
      i++;
      const fracStart = i;
      let overflow = false;
      while (i < s.length && isDigit(s, i)) {
        if (!overflow) {
          if (fraction > (MAX_UINT63 - 1n) / 10n) overflow = true;
          else {
            const next = fraction * 10n + BigInt(s.charCodeAt(i) - 0x30);
            if (next > MAX_UINT63) overflow = true;
            else {
              fraction = next;
              scale *= 10;
            }
          }
        }
        i++;
      }
      sawFraction = i > fracStart;
    }
    if (!sawInteger && !sawFraction) return undefined;
    const unitStart = i;
    while (i < s.length && s[i] !== '.' && !isDigit(s, i)) i++;
    if (i === unitStart) return undefined;
    const unit = UNITS.get(s.slice(unitStart, i));
    if (unit === undefined) return undefined;
    if (whole > MAX_UINT63 / unit) return undefined;
    let value = whole * unit;
    if (fraction > 0n) {
      // Go computes this part in float64; reproduce its rounding exactly.
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > MAX_UINT63) return undefined;
    }
    total += value;
    if (total > MAX_UINT63) return undefined;
  }
  if (negative) return -total;
  if (total > MAX_UINT63 - 1n) return undefined;
  return total;
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}
