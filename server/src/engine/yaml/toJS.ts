// Syntax tree → plain JSON-like value, with aliases resolved and merge keys (`<<`) applied.
//
// Aliases turn the tree into a graph, which is where the dangers are: a few lines can expand to
// billions of nodes (billion laughs), an anchored collection can contain an alias of itself (a cycle,
// directly or through a merge key), and chains of aliases can nest deeper than the stack allows. A
// document with aliases is therefore measured first, once per node (memoized, iterative), and refused
// (error + toJS() → null) when it crosses the limits. Without aliases the tree depth is already bounded
// by the parser's MAX_DEPTH.

import type { YAlias, YMap, YNode } from './model';
import { MAX_DEPTH, MAX_EXPANDED_NODES } from './limits';
import { deref, isMergeKey, mergeSources, scalarKeyString } from './nodes';

export interface AliasProblem { message: string; node: YNode }

interface Measure { size: number; depth: number }

interface Frame { node: YNode; next: number; size: number; depth: number }

function childAt(node: YNode, i: number): YNode | null | undefined {
  switch (node.kind) {
    case 'scalar': return undefined;
    case 'alias': return i === 0 ? node.target : undefined;
    case 'seq': return i < node.items.length ? node.items[i] : undefined;
    case 'map': {
      const pair = node.items[i >> 1];
      if (pair === undefined) return undefined;
      return (i & 1) === 0 ? pair.key : pair.value;
    }
  }
}

/** Checks a document that contains aliases against cycles, expansion size and expanded depth. */
export function analyseAliases(root: YNode): AliasProblem | null {
  const measured = new Map<YNode, Measure>();
  const active = new Set<YNode>();
  const stack: Frame[] = [{ node: root, next: 0, size: 0, depth: 0 }];
  active.add(root);

  const innermostAlias = (): YNode => {
    for (let k = stack.length - 1; k >= 0; k--) if (stack[k].node.kind === 'alias') return stack[k].node;
    return root;
  };

  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    const child = childAt(f.node, f.next++);
    let m: Measure | undefined;
    if (child === undefined) {
      stack.pop();
      active.delete(f.node);
      const own = f.node.kind === 'alias' ? 0 : 1;
      const nesting = f.node.kind === 'map' || f.node.kind === 'seq' ? 1 : 0;
      m = { size: f.size + own, depth: f.depth + nesting };
      measured.set(f.node, m);
      if (stack.length === 0) break;
    } else if (child === null) {
      continue;   // alias of an unknown anchor, reported by the builder
    } else {
      m = measured.get(child);
      if (m === undefined) {
        if (active.has(child)) {
          const alias = f.node as YAlias;
          return { message: `alias *${alias.name} refers to a node that contains it`, node: alias };
        }
        active.add(child);
        stack.push({ node: child, next: 0, size: 0, depth: 0 });
        continue;
      }
    }
    const parent = stack[stack.length - 1];
    parent.size += m.size;
    if (m.depth > parent.depth) parent.depth = m.depth;
    if (parent.size > MAX_EXPANDED_NODES) {
      return { message: `aliases expand this document to more than ${MAX_EXPANDED_NODES} nodes`, node: innermostAlias() };
    }
    if (parent.depth >= MAX_DEPTH) {
      return { message: `aliases nest this document deeper than ${MAX_DEPTH} levels`, node: innermostAlias() };
    }
  }
  return null;
}

/** The JSON-like value of a node. Alias targets are converted once and shared between their aliases. */
export function toJSValue(root: YNode): unknown {
  const shared = new Map<YNode, unknown>();

  const convert = (input: YNode | null): unknown => {
    const node = deref(input);
    if (node === null) return null;
    if (node.kind === 'scalar') return node.value;
    const anchored = node.anchor !== undefined;
    if (anchored && shared.has(node)) return shared.get(node);
    let out: unknown;
    if (node.kind === 'seq') {
      const arr: unknown[] = new Array(node.items.length);
      for (let i = 0; i < node.items.length; i++) arr[i] = convert(node.items[i]);
      out = arr;
    } else {
      out = convertMap(node);
    }
    if (anchored) shared.set(node, out);
    return out;
  };

  const keyOf = (key: YNode): string => {
    const k = deref(key);
    if (k === null) return 'null';
    if (k.kind === 'scalar') return scalarKeyString(k.value);
    return JSON.stringify(convert(k)) ?? 'null';
  };

  const convertMap = (node: YMap): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    let merges: YNode[] | null = null;
    for (const pair of node.items) {
      if (isMergeKey(pair.key) && pair.value !== null) (merges ??= []).push(pair.value);
    }
    if (merges !== null) {
      // Keys written in the map win over merged ones; among merged mappings, the earlier one wins.
      for (const value of merges) {
        for (const source of mergeSources(value)) {
          const merged = convert(source) as Record<string, unknown>;
          for (const k of Object.keys(merged)) if (!Object.prototype.hasOwnProperty.call(out, k)) setKey(out, k, merged[k]);
        }
      }
    }
    for (const pair of node.items) {
      if (merges !== null && isMergeKey(pair.key)) continue;
      setKey(out, keyOf(pair.key), convert(pair.value));
    }
    return out;
  };

  return convert(root);
}

function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  // A `__proto__` key is data, not the prototype.
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}
