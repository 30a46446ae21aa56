// Operator detection of Kyverno's `operator.GetOperatorFromStringPattern`, including the range forms
// `a-b` (InRange) and `a!-b` (NotInRange) whose endpoints are numbers with an optional unit suffix.

/** The operator symbols, as Kyverno spells them (Equal is the empty string). */
export type Operator = '' | '>=' | '<=' | '>' | '<' | '!' | '-' | '!-';

export const OPERATOR_NAMES: Readonly<Record<Operator, string>> = {
  '': 'Equal',
  '>=': 'MoreEqual',
  '<=': 'LessEqual',
  '>': 'More',
  '<': 'Less',
  '!': 'NotEqual',
  '-': 'InRange',
  '!-': 'NotInRange',
};

const PREFIX_OPERATORS: readonly Operator[] = ['>=', '<=', '>', '<', '!'];

export function getOperatorFromStringPattern(pattern: string): Operator {
  // Go measures the length in bytes; any non-ASCII character already makes it 2 or more.
  if (utf8Length(pattern) < 2) return '';
  for (const op of PREFIX_OPERATORS) {
    if (pattern.startsWith(op)) return op;
  }
  if (splitRange(pattern, '!-') !== undefined) return '!-';
  if (splitRange(pattern, '-') !== undefined) return '-';
  return '';
}

/**
 * Matches `^(E)SEP(E)$` where E is `[-|+]?\d+(?:\.\d+)?[A-Za-z]*` (Kyverno's range regexes; the
 * character class really contains `|`). Scanned by hand: every part of E is deterministic because
 * digits, `.`, letters and the separator never overlap, so a greedy scan accepts exactly the
 * regex's language without backtracking.
 */
export function splitRange(pattern: string, separator: '-' | '!-'): { left: string; right: string } | undefined {
  const leftEnd = scanEndpoint(pattern, 0);
  if (leftEnd < 0 || !pattern.startsWith(separator, leftEnd)) return undefined;
  const rightStart = leftEnd + separator.length;
  const rightEnd = scanEndpoint(pattern, rightStart);
  if (rightEnd !== pattern.length) return undefined;
  return { left: pattern.slice(0, leftEnd), right: pattern.slice(rightStart) };
}

/** Index just after an endpoint starting at `start`, or -1. */
function scanEndpoint(text: string, start: number): number {
  let i = start;
  if (text[i] === '-' || text[i] === '|' || text[i] === '+') i++;
  const digitsStart = i;
  while (isDigit(text.charCodeAt(i))) i++;
  if (i === digitsStart) return -1;
  if (text[i] === '.' && isDigit(text.charCodeAt(i + 1))) {
    i++;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  while (isAsciiLetter(text.charCodeAt(i))) i++;
  return i;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
        continue;
      }
      n += 3;
    } else n += 3;
  }
  return n;
}
