// Kyverno's anchor keys: after trimming, a key is an anchor when it matches
// `^([+<=X^])?\((.+)\)$` (`.` excludes newlines, as in Go regexps).

export type AnchorType = 'Condition' | 'Global' | 'Negation' | 'AddIfNotPresent' | 'Equality' | 'Existence';

export interface Anchor {
  type: AnchorType;
  key: string;
}

const MODIFIERS: Readonly<Record<string, AnchorType>> = {
  '<': 'Global',
  X: 'Negation',
  '+': 'AddIfNotPresent',
  '=': 'Equality',
  '^': 'Existence',
};

const PREFIX: Readonly<Record<AnchorType, string>> = {
  Condition: '',
  Global: '<',
  Negation: 'X',
  AddIfNotPresent: '+',
  Equality: '=',
  Existence: '^',
};

export function parseAnchor(rawKey: string): Anchor | undefined {
  const key = goTrimSpace(rawKey);
  let type: AnchorType = 'Condition';
  let open = 0;
  if (key[0] !== '(') {
    const modifier = MODIFIERS[key[0]];
    if (modifier === undefined || key[1] !== '(') return undefined;
    type = modifier;
    open = 1;
  }
  if (key.length < open + 3 || key[key.length - 1] !== ')') return undefined;
  const inner = key.slice(open + 1, -1);
  if (inner.includes('\n')) return undefined;
  return { type, key: inner };
}

/** Kyverno's anchor.String: the key wrapped back in its anchor syntax. */
export function anchorString(type: AnchorType, key: string): string {
  return `${PREFIX[type]}(${key})`;
}

/** strings.TrimSpace: Unicode White_Space (unlike String.prototype.trim, not U+FEFF; also U+0085). */
export function goTrimSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isGoSpace(text.charCodeAt(start))) start++;
  while (end > start && isGoSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function isGoSpace(c: number): boolean {
  if (c <= 0xff) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0;
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}
