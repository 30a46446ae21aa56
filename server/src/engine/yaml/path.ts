// Finding the node at a JSON-like path (`['spec', 'containers', 0, 'image']`).
import type { YNode } from './model';
import { deref, isMergeKey, mergeSources, scalarKeyString } from './nodes';

const INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * The node at `path` under `root`, following aliases (the result is the aliased node itself, so its
 * range is where the anchored value is written). Numeric elements index sequences (a string of digits
 * does too); in a mapping an element matches a scalar key whose value, as a string, equals it (the same
 * key strings toJS() produces). Keys written in a mapping win over keys merged in with `<<`, as in toJS().
 */
export function nodeAtPath(root: YNode | null, path: readonly (string | number)[]): YNode | undefined {
  let node: YNode | null = deref(root);
  for (const element of path) {
    if (node === null) return undefined;
    node = step(node, element);
  }
  return node ?? undefined;
}

/**
 * Like nodeAtPath, and also the first alias the path goes through (the leaf included). Past that alias
 * every node is written at its anchor, possibly far away and shared by other aliases, so the place the
 * user wrote for this path is the alias itself.
 */
export function nodeAtPathAsWritten(root: YNode | null, path: readonly (string | number)[]): { node: YNode; alias?: YNode } | undefined {
  let alias: YNode | undefined = root !== null && root.kind === 'alias' ? root : undefined;
  let node: YNode | null = deref(root);
  for (const element of path) {
    if (node === null) return undefined;
    const written = step(node, element, false);
    if (alias === undefined && written !== null && written.kind === 'alias') alias = written;
    node = deref(written);
  }
  return node === null ? undefined : alias === undefined ? { node } : { node, alias };
}

function step(node: YNode, element: string | number, followAlias = true): YNode | null {
  if (node.kind === 'seq') {
    const index = typeof element === 'number' ? element : INDEX.test(element) ? Number(element) : -1;
    return Number.isInteger(index) && index >= 0 && index < node.items.length ? resolved(node.items[index], followAlias) : null;
  }
  if (node.kind !== 'map') return null;
  const name = typeof element === 'number' ? String(element) : element;
  // The common case first: a mapping without merge keys, searched in place.
  let found: YNode | null | undefined;
  let merges = false;
  for (const pair of node.items) {
    const key = deref(pair.key);
    if (key === null || key.kind !== 'scalar') continue;
    if (isMergeKey(key)) { merges = true; break; }
    if (scalarKeyString(key.value) === name) found = pair.value;   // the last duplicate wins, as in toJS()
  }
  if (!merges) return found !== undefined ? resolved(found, followAlias) : null;
  // Merged mappings are searched depth-first in priority order (a merged mapping's own merges come
  // before the next merged mapping, as in toJS()); `seen` stops merge cycles.
  const stack: YNode[] = [node];
  const seen = new Set<YNode>(stack);
  while (stack.length > 0) {
    const map = stack.pop() as YNode;
    if (map.kind !== 'map') continue;
    let found: YNode | null | undefined;
    const merged: YNode[] = [];
    for (const pair of map.items) {
      const key = deref(pair.key);
      if (key === null || key.kind !== 'scalar') continue;
      if (isMergeKey(key)) { merged.push(...mergeSources(pair.value)); continue; }
      if (scalarKeyString(key.value) === name) found = pair.value;   // the last duplicate wins, as in toJS()
    }
    if (found !== undefined) return resolved(found, followAlias);
    for (let k = merged.length - 1; k >= 0; k--) if (!seen.has(merged[k])) { seen.add(merged[k]); stack.push(merged[k]); }
  }
  return null;
}

function resolved(n: YNode | null, followAlias: boolean): YNode | null {
  return followAlias ? deref(n) : n;
}
