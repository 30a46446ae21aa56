// Small facts about nodes shared by the builder, toJS and path lookup.
import type { YMap, YNode, YScalar, YSeq } from './model';

/**
 * The node an alias stands for (null if its anchor is unknown); any other node itself. An alias target
 * is never an alias: anchors sit on scalars and collections only.
 */
export function deref(node: YNode | null): YScalar | YMap | YSeq | null {
  const n = node !== null && node.kind === 'alias' ? node.target : node;
  return n as YScalar | YMap | YSeq | null;
}

/** `<<` written plain (or tagged !!merge) as a key: YAML's merge key. */
export function isMergeKey(key: YNode): boolean {
  return key.kind === 'scalar' && key.style === 'plain' && key.value === '<<' && (key.tag === undefined || key.tag === '!!merge');
}

/** What a merge key's value may be: a mapping, an alias of one, or a sequence of those. */
export function isMergeSource(value: YNode): boolean {
  const isMap = (n: YNode): boolean => deref(n)?.kind === 'map';
  if (isMap(value)) return true;
  const v = deref(value);
  return v !== null && v.kind === 'seq' && v.items.every(isMap);
}

/** The merge sources a merge key's value names, in priority order (earlier wins). */
export function mergeSources(value: YNode | null): YNode[] {
  const v = deref(value);
  if (v === null) return [];
  if (v.kind === 'map') return [v];
  if (v.kind !== 'seq') return [];
  const out: YNode[] = [];
  for (const item of v.items) {
    const m = deref(item);
    if (m !== null && m.kind === 'map') out.push(m);
  }
  return out;
}

/**
 * The string a scalar key becomes in a JSON-like object: its typed value as a string (`1` → "1",
 * `true` → "true", `~` → "null"), which is also what Kubernetes' YAML→JSON conversion does.
 */
export function scalarKeyString(value: string | number | boolean | null): string {
  return typeof value === 'string' ? value : String(value);
}
