// Reasoning about the LANGUAGES of Kyverno wildcard patterns (`*` any run, `?` one character, the rest
// literal; §1.3), to tell when one alternative already covers another and when a conjunction can never
// match. Both work on the patterns themselves, never by trying strings, and run in time polynomial in
// the pattern lengths (no backtracking).

const MAX_PATTERN = 512;
const MAX_STATES = 200_000;

function chars(pattern: string): string[] {
  return Array.from(pattern);
}

/**
 * Every string `specific` matches is matched by `general` (L(specific) ⊆ L(general)). `general` is matched
 * against `specific`'s symbols: its `*` may absorb any run of them (including `*` and `?`), its `?` one
 * literal or `?`, its literals only the same literal. This decides inclusion exactly for the cases that
 * matter here (`a/*` ⊇ `a/b/*`, `*` ⊇ anything, `a?c` ⊇ `abc`) and never claims an inclusion that does
 * not hold.
 */
export function covers(general: string, specific: string): boolean {
  const g = chars(general);
  const s = chars(specific);
  if (g.length > MAX_PATTERN || s.length > MAX_PATTERN) return false;
  // row[j]: g[0..i) matches s[0..j)
  let row = new Array<boolean>(s.length + 1).fill(false);
  row[0] = true;
  for (let i = 1; i <= g.length; i++) {
    const gc = g[i - 1];
    const next = new Array<boolean>(s.length + 1).fill(false);
    if (gc === '*') {
      next[0] = row[0];
      for (let j = 1; j <= s.length; j++) next[j] = row[j] || next[j - 1];
    } else {
      for (let j = 1; j <= s.length; j++) {
        const sc = s[j - 1];
        const ok = gc === '?' ? sc !== '*' : gc === sc && sc !== '*' && sc !== '?';
        next[j] = ok && row[j - 1];
      }
    }
    row = next;
  }
  return row[s.length];
}

/** Some string matches every pattern (the intersection of their languages is not empty). */
export function intersects(patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  const ps = patterns.map(chars);
  if (ps.some((p) => p.length > MAX_PATTERN)) return true;
  const alphabet = new Set<string>();
  for (const p of ps) for (const c of p) if (c !== '*' && c !== '?') alphabet.add(c);
  const other = '\u0000';
  const symbols = [...alphabet, other];
  const close = (p: string[], i: number): number[] => {
    const out = [i];
    while (i < p.length && p[i] === '*') out.push(++i);
    return out;
  };
  const step = (p: string[], i: number, c: string): number[] => {
    if (i >= p.length) return [];
    if (p[i] === '*') return close(p, i);
    if (p[i] === '?' || p[i] === c) return close(p, i + 1);
    return [];
  };
  // Product of the per-pattern NFAs; a state is one position per pattern.
  const start = cartesian(ps.map((p) => close(p, 0)));
  const seen = new Set<string>();
  const queue: number[][] = [];
  for (const s of start) { const k = s.join(','); if (!seen.has(k)) { seen.add(k); queue.push(s); } }
  while (queue.length > 0) {
    const state = queue.shift() as number[];
    if (state.every((i, k) => i === ps[k].length)) return true;
    for (const c of symbols) {
      const nexts = cartesian(state.map((i, k) => step(ps[k], i, c)));
      for (const n of nexts) {
        const key = n.join(',');
        if (seen.has(key)) continue;
        if (seen.size > MAX_STATES) return true; // too big to decide: assume it can match
        seen.add(key);
        queue.push(n);
      }
    }
  }
  return false;
}

function cartesian(lists: number[][]): number[][] {
  let out: number[][] = [[]];
  for (const list of lists) {
    const next: number[][] = [];
    for (const prefix of out) for (const x of list) next.push([...prefix, x]);
    out = next;
    if (out.length === 0) return out;
  }
  return out;
}

export interface Alternative {
  /** The alternative as Kyverno uses it: split on `|`, trimmed. */
  text: string;
  /** Offsets of the trimmed text inside the whole pattern string. */
  start: number;
  end: number;
  /** Its `&` parts, trimmed. */
  parts: { text: string; operator: PatternOperator; operand: string }[];
}

export type PatternOperator = 'Equal' | 'NotEqual' | 'More' | 'Less' | 'MoreEqual' | 'LessEqual' | 'InRange' | 'NotInRange';

const NUMBER_WITH_UNIT = '[-|+]?\\d+(?:\\.\\d+)?[A-Za-z]*';
const NOT_IN_RANGE = new RegExp(`^(${NUMBER_WITH_UNIT})!-(${NUMBER_WITH_UNIT})$`);
const IN_RANGE = new RegExp(`^(${NUMBER_WITH_UNIT})-(${NUMBER_WITH_UNIT})$`);

/** Kyverno's GetOperatorFromStringPattern (§1.2 step 4) and the operand it compares with. */
export function operatorOf(part: string): { operator: PatternOperator; operand: string } {
  if (part.length < 2) return { operator: 'Equal', operand: part };
  if (part.startsWith('>=')) return { operator: 'MoreEqual', operand: part.slice(2).trim() };
  if (part.startsWith('<=')) return { operator: 'LessEqual', operand: part.slice(2).trim() };
  if (part.startsWith('>')) return { operator: 'More', operand: part.slice(1).trim() };
  if (part.startsWith('<')) return { operator: 'Less', operand: part.slice(1).trim() };
  if (part.startsWith('!')) return { operator: 'NotEqual', operand: part.slice(1).trim() };
  if (NOT_IN_RANGE.test(part)) return { operator: 'NotInRange', operand: part };
  if (IN_RANGE.test(part)) return { operator: 'InRange', operand: part };
  return { operator: 'Equal', operand: part };
}

/** Splits a string pattern the way Kyverno's validateStringPatterns does, keeping source offsets. */
export function splitAlternatives(pattern: string): Alternative[] {
  const out: Alternative[] = [];
  let from = 0;
  for (;;) {
    const bar = pattern.indexOf('|', from);
    const end = bar < 0 ? pattern.length : bar;
    const raw = pattern.slice(from, end);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    const parts = text.split('&').map((p) => p.trim()).map((p) => ({ text: p, ...operatorOf(p) }));
    out.push({ text, start: from + lead, end: from + lead + text.length, parts });
    if (bar < 0) break;
    from = bar + 1;
  }
  return out;
}
