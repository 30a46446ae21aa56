// go-wildcard v1.0.3 `Match`, which Kyverno uses for every wildcard comparison: anchored, `*` matches
// any run of characters (including none, `/`, `:` and `@`), `?` exactly one character (a Unicode code
// point, since Go matches on runes), everything else literally and case-sensitively, no escaping.
//
// The library recurses on `*`, which is exponential on hostile patterns. This is the classic greedy
// scan with a single backtrack point (the last `*` seen): it accepts the same language, runs in
// O(|pattern| * |value|) worst case and linear time on typical input, and never recurses.

export function wildcardMatch(pattern: string, value: string): boolean {
  if (pattern === '') return value === '';
  if (pattern === '*') return true;
  if (!containsWildcard(pattern)) return pattern === value;
  // Matching UTF-16 units gives the same answer as matching code points when neither string has a
  // surrogate, and also whenever the pattern has neither a surrogate nor `?`: its literals then only
  // ever meet whole code points, and a `*` never stops inside a surrogate pair that a literal follows.
  if (!hasSurrogate(pattern) && (!pattern.includes('?') || !hasSurrogate(value))) return matchUnits(pattern, value);
  const p = codePoints(pattern);
  const s = codePoints(value);
  let pi = 0;
  let si = 0;
  let starAt = -1; // index in p of the last `*` seen
  let starMatched = 0; // index in s where that `*` currently stops consuming
  while (si < s.length) {
    if (pi < p.length && (p[pi] === s[si] || p[pi] === QUESTION) && p[pi] !== STAR) {
      pi++;
      si++;
    } else if (pi < p.length && p[pi] === STAR) {
      starAt = pi++;
      starMatched = si;
    } else if (starAt >= 0) {
      // Let the last star swallow one more character and retry the rest of the pattern after it.
      pi = starAt + 1;
      si = ++starMatched;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === STAR) pi++;
  return pi === p.length;
}

/**
 * wildcardMatch with the pattern's own checks done once: for a pattern compared with many values
 * (a policy's image patterns against every image).
 */
export function wildcardMatcher(pattern: string): (value: string) => boolean {
  if (pattern === '') return (value) => value === '';
  if (pattern === '*') return () => true;
  if (!containsWildcard(pattern)) return (value) => pattern === value;
  if (hasSurrogate(pattern)) return (value) => wildcardMatch(pattern, value);
  // The same condition as in wildcardMatch, with the pattern's half already known.
  if (!pattern.includes('?')) return (value) => matchUnits(pattern, value);
  return (value) => (hasSurrogate(value) ? wildcardMatch(pattern, value) : matchUnits(pattern, value));
}

/** The same scan as wildcardMatch, over UTF-16 units (only where that cannot change the answer). */
function matchUnits(p: string, s: string): boolean {
  let pi = 0;
  let si = 0;
  let starAt = -1;
  let starMatched = 0;
  while (si < s.length) {
    const pc = pi < p.length ? p.charCodeAt(pi) : -1;
    if (pc !== -1 && pc !== STAR && (pc === s.charCodeAt(si) || pc === QUESTION)) {
      pi++;
      si++;
    } else if (pc === STAR) {
      starAt = pi++;
      starMatched = si;
    } else if (starAt >= 0) {
      pi = starAt + 1;
      si = ++starMatched;
    } else {
      return false;
    }
  }
  while (pi < p.length && p.charCodeAt(pi) === STAR) pi++;
  return pi === p.length;
}

function hasSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}

/** Kyverno's `wildcard.ContainsWildcard`: does the string contain `*` or `?`. */
export function containsWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

const STAR = 0x2a;
const QUESTION = 0x3f;

function codePoints(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out.push(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
        i++;
        continue;
      }
    }
    out.push(c);
  }
  return out;
}
