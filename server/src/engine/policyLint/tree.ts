// Reading the YAML model the way the policy checks need it: mapping entries with their key ranges,
// paths in Kubernetes' field notation, and the source range a problem about a path should point at.
import type { ParsedDocument, YMap, YNode, YScalar, YSeq } from '../yaml/model';

export type Path = readonly (string | number)[];

/** The node an alias stands for; any other node itself. */
export function deref(node: YNode | null | undefined): YScalar | YMap | YSeq | null {
  if (node === null || node === undefined) return null;
  const n = node.kind === 'alias' ? node.target : node;
  return (n ?? null) as YScalar | YMap | YSeq | null;
}

/** A value Kubernetes treats as absent: a missing node or a plain `null` / `~` / empty value. */
export function isNullish(node: YNode | null | undefined): boolean {
  const n = deref(node);
  return n === null || (n.kind === 'scalar' && n.value === null);
}

export interface Entry {
  key: string;
  keyNode: YScalar;
  value: YNode | null;
  /** True when the entry comes from a `<<` merge rather than being written in this mapping. */
  merged: boolean;
}

function isMergeKey(key: YScalar): boolean {
  return key.style === 'plain' && key.value === '<<' && (key.tag === undefined || key.tag === '!!merge');
}

function keyString(key: YScalar): string {
  return typeof key.value === 'string' ? key.value : String(key.value);
}

/**
 * The entries of a mapping as toJS() sees them: written keys (the last duplicate wins) and keys merged
 * in with `<<` that the mapping does not write itself. Non-scalar keys are skipped.
 */
export function entries(map: YMap): Entry[] {
  const own = new Map<string, Entry>();
  const merged: Entry[] = [];
  const mergeSources: YMap[] = [];
  for (const pair of map.items) {
    const key = deref(pair.key);
    if (key === null || key.kind !== 'scalar') continue;
    if (isMergeKey(key)) {
      const source = deref(pair.value);
      if (source?.kind === 'map') mergeSources.push(source);
      else if (source?.kind === 'seq') for (const item of source.items) { const m = deref(item); if (m?.kind === 'map') mergeSources.push(m); }
      continue;
    }
    own.set(keyString(key), { key: keyString(key), keyNode: key, value: pair.value, merged: false });
  }
  const seen = new Set(own.keys());
  for (const source of mergeSources) {
    if (source === map) continue;
    for (const entry of entries(source)) {
      if (seen.has(entry.key)) continue;
      seen.add(entry.key);
      merged.push({ ...entry, merged: true });
    }
  }
  return [...own.values(), ...merged];
}

export function entry(map: YMap, key: string): Entry | undefined {
  return entries(map).find((e) => e.key === key);
}

/** Child node for one path step (a mapping key or a sequence index), following aliases. */
export function child(node: YNode | null | undefined, step: string | number): YNode | null {
  const n = deref(node);
  if (n === null) return null;
  if (n.kind === 'seq') return typeof step === 'number' ? deref(n.items[step] ?? null) : null;
  if (n.kind === 'map' && typeof step === 'string') return deref(entry(n, step)?.value ?? null);
  return null;
}

export function at(root: YNode | null | undefined, path: Path): YNode | null {
  let node: YNode | null = deref(root);
  for (const step of path) {
    node = child(node, step);
    if (node === null) return null;
  }
  return node;
}

export function asMap(node: YNode | null | undefined): YMap | null {
  const n = deref(node);
  return n?.kind === 'map' ? n : null;
}

export function asSeq(node: YNode | null | undefined): YSeq | null {
  const n = deref(node);
  return n?.kind === 'seq' ? n : null;
}

export function asScalar(node: YNode | null | undefined): YScalar | null {
  const n = deref(node);
  return n?.kind === 'scalar' ? n : null;
}

export function stringValue(node: YNode | null | undefined): string | undefined {
  const s = asScalar(node);
  return s !== null && typeof s.value === 'string' ? s.value : undefined;
}

/** `spec.rules[0].validate`: Kubernetes' field path notation. */
export function formatPath(path: Path): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else out += out === '' ? step : `.${step}`;
  }
  return out;
}

export interface Range { start: number; end: number }

/**
 * The range a problem about `path` points at: the key that introduces it, or for a sequence item the
 * item's first key (`- name: x` → `name`) or the item itself when it is a scalar. Falls back to the
 * nearest ancestor that exists, then to the document's first key.
 */
export function rangeForPath(root: YNode | null, path: Path): Range {
  for (let n = path.length; n > 0; n--) {
    const parent = at(root, path.slice(0, n - 1));
    const step = path[n - 1];
    if (parent === null) continue;
    if (parent.kind === 'map' && typeof step === 'string') {
      const e = entry(parent, step);
      if (e !== undefined && !e.merged) return { start: e.keyNode.start, end: e.keyNode.end };
    } else if (parent.kind === 'seq' && typeof step === 'number') {
      const item = deref(parent.items[step] ?? null);
      if (item !== null) return itemRange(item);
    }
  }
  return documentAnchor(root);
}

/** A one-line range for a node: a mapping's first key, else the node (scalars are one line in practice). */
export function itemRange(node: YNode): Range {
  const n = deref(node);
  if (n !== null && n.kind === 'map' && n.items.length > 0) {
    const k = deref(n.items[0].key);
    if (k !== null) return { start: k.start, end: k.end };
  }
  if (n !== null && n.kind === 'seq' && n.items.length > 0) return itemRange(n.items[0]);
  return { start: node.start, end: Math.max(node.end, node.start) };
}

/** Where document-level problems go: the `kind` key if there is one, else the first key, else 0..0. */
export function documentAnchor(root: YNode | null): Range {
  const map = asMap(root);
  if (map !== null) {
    const kind = entry(map, 'kind');
    if (kind !== undefined) return { start: kind.keyNode.start, end: kind.keyNode.end };
    if (map.items.length > 0) return itemRange(map);
  }
  return { start: 0, end: 0 };
}

/** Offset of the start of the line containing `offset`. */
export function lineStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** Offset just past the line break ending the line containing `offset` (or the text's end). */
export function nextLineStart(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  if (text[i] === '\r' && text[i + 1] === '\n') return i + 2;
  if (i < text.length) return i + 1;
  return i;
}

/** Offset of the end of the line containing `offset` (before its line break). */
export function lineEnd(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

export function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** The document's line break style, for inserted lines. */
export function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * The last offset that belongs to a block node's content: its end trimmed of trailing whitespace and
 * line breaks (block collections end where the next key starts, which may be lines later).
 */
export function contentEnd(text: string, node: YNode): number {
  let end = node.end;
  while (end > node.start && /\s/.test(text[end - 1])) end--;
  return end;
}

/** True when the scalar's source text spells exactly its value, so offsets map 1:1 into it. */
export function isVerbatim(doc: ParsedDocument, scalar: YScalar): boolean {
  return typeof scalar.value === 'string' && (scalar.style === 'plain' || scalar.style === 'single' || scalar.style === 'double')
    && doc.text.slice(scalar.valueStart, scalar.valueEnd) === scalar.value;
}

/** Walks every node under `root` with its path (mapping keys as strings, sequence items as numbers). */
export function walk(root: YNode | null, visit: (node: YNode, path: Path, keyNode: YScalar | null) => boolean | void, path: (string | number)[] = [], keyNode: YScalar | null = null, depth = 0): void {
  const n = deref(root);
  if (n === null || depth > 200) return;
  if (visit(n, path, keyNode) === false) return;
  if (n.kind === 'map') {
    for (const e of entries(n)) {
      if (e.merged) continue;
      path.push(e.key);
      walk(e.value, visit, path, e.keyNode, depth + 1);
      path.pop();
    }
  } else if (n.kind === 'seq') {
    n.items.forEach((item, i) => {
      path.push(i);
      walk(item, visit, path, null, depth + 1);
      path.pop();
    });
  }
}
