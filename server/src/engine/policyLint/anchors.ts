// Kyverno's anchor syntax (§2.1): a key is an anchor if, trimmed, it matches `^([+<=X^])?\((.+)\)$`.

export type AnchorModifier = '' | '+' | '<' | '=' | 'X' | '^';

export interface Anchor { modifier: AnchorModifier; name: string }

export function parseAnchor(key: string): Anchor | undefined {
  const k = key.trim();
  if (k.length < 3 || k[k.length - 1] !== ')') return undefined;
  let modifier: AnchorModifier = '';
  let open = 0;
  if ('+<=X^'.includes(k[0]) && k[1] === '(') {
    modifier = k[0] as AnchorModifier;
    open = 1;
  }
  if (k[open] !== '(') return undefined;
  const name = k.slice(open + 1, -1);
  return name.length > 0 ? { modifier, name } : undefined;
}

/** The field name a pattern key stands for: the anchor's inner name, or the key itself. */
export function fieldName(key: string): string {
  return parseAnchor(key)?.name ?? key;
}

export const ANCHOR_NAMES: Record<AnchorModifier, string> = {
  '': 'condition', '=': 'equality', X: 'negation', '^': 'existence', '<': 'global', '+': 'add-if-not-present',
};
