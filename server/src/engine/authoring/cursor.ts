// Where the cursor is in a policy, from the text itself: completion runs on half-typed lines that do
// not parse, so the ancestor keys come from indentation, not from the YAML tree.

export interface Cursor {
  /** Ancestor mapping keys, outermost first (sequence items add no step), e.g. spec, rules, validate, pattern, spec. */
  ancestors: string[];
  /** Typing a key (no `:` yet on this line) or a value (after `key:`). */
  position: 'key' | 'value';
  /** For a value: the key on this line. For a `- item` without a colon: the key that owns the list. */
  key?: string;
  /** What is typed so far of the key or value (without an opening quote). */
  typed: string;
  /** Offset where `typed` starts. */
  typedStart: number;
  /** The line is a list item (`- ...`); with position 'key' and no colon it may also be a scalar list value. */
  listItem: boolean;
}

interface Line { indent: number; base: number; key?: string; dash: boolean }

const KEY = /^("[^"]*"|'[^']*'|[^\s#'"][^#]*?)[ \t]*:(?:[ \t]|$)/;

function readLine(text: string): Line {
  const m = /^([ \t]*)((?:-[ \t]+)*)(.*)$/.exec(text) as RegExpExecArray;
  const keyMatch = KEY.exec(m[3]);
  return { base: m[1].length, indent: m[1].length + m[2].length, key: keyMatch ? unquote(keyMatch[1]) : undefined, dash: m[2].length > 0 };
}

function unquote(key: string): string {
  const k = key.trim();
  return /^(".*"|'.*')$/.test(k) ? k.slice(1, -1) : k;
}

export function cursorAt(text: string, offset: number): Cursor {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const current = readLine(before);
  const ancestors: string[] = [];
  // An ancestor's key is strictly left of `limit`. A `- key:` line puts its key at the text column; keys
  // of the same item share that column, and the key owning the list is at or left of the dash.
  let limit = current.dash ? current.base + 1 : current.indent;
  let pos = lineStart;
  while (pos > 0 && limit > 0) {
    const prevEnd = pos - 1;
    const prevStart = text.lastIndexOf('\n', prevEnd - 1) + 1;
    const raw = text.slice(prevStart, prevEnd).replace(/\r$/, '');
    pos = prevStart;
    if (raw.trim() === '' || /^\s*#/.test(raw)) continue;
    if (/^(---|\.\.\.)\s*$/.test(raw)) break;
    const line = readLine(raw);
    if (line.key === undefined) {
      if (line.dash && line.indent < limit) limit = line.base + 1;
      continue;
    }
    if (line.indent < limit) {
      ancestors.unshift(line.key);
      limit = line.dash ? line.base + 1 : line.indent;
    } else if (line.dash && line.indent === limit && line.base < limit) {
      limit = line.base + 1; // a sibling key on the item's first line; the list's key is further up
    }
  }
  const afterDash = before.replace(/^[ \t]*(?:-[ \t]+)*/, '');
  const keyHere = /^("[^"]*"|'[^']*'|[^\s#'"][^#]*?)[ \t]*:[ \t]+(.*)$|^("[^"]*"|'[^']*'|[^\s#'"][^#]*?)[ \t]*:$/.exec(afterDash);
  if (keyHere) {
    const key = unquote(keyHere[1] ?? keyHere[3]);
    const typed = (keyHere[2] ?? '').replace(/^["']/, '');
    return { ancestors, position: 'value', key, typed, typedStart: offset - typed.length, listItem: current.dash };
  }
  const typed = afterDash.replace(/^["']/, '');
  return {
    ancestors, position: 'key', typed, typedStart: offset - typed.length, listItem: current.dash,
    ...(current.dash && ancestors.length > 0 ? { key: ancestors[ancestors.length - 1] } : {}),
  };
}
