// What evaluation needs to know about one Kubernetes object in a YAML document.

import type { ParsedDocument, YNode, YScalar } from '../yaml/model';
import { groupVersionKind, isClusterScopedKind, type GroupVersionKind } from './kinds';
import { copyRecord, isRecord, stringMap } from './selector';

export interface ResourceView {
  /** The object as admission would see it: the document's value with `metadata.namespace` defaulted. */
  object: Record<string, unknown>;
  /** The document's own value (toJS), unchanged. */
  source: Record<string, unknown>;
  /** The object's node: the document root, or an item of a `kind: List` document. */
  root: YNode | null;
  apiVersion: string;
  kind: string;
  gvk: GroupVersionKind;
  name: string;
  generateName: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  kindStart: number;
  kindEnd: number;
}

/** Reads `kind` straight from the syntax tree, so documents no policy cares about are never converted. */
export function topLevelScalar(root: YNode | null, key: string): YScalar | undefined {
  const map = deref(root);
  if (map === null || map.kind !== 'map') return undefined;
  for (const pair of map.items) {
    const k = deref(pair.key);
    if (k !== null && k.kind === 'scalar' && k.value === key) {
      const v = deref(pair.value);
      return v !== null && v.kind === 'scalar' ? v : undefined;
    }
  }
  return undefined;
}

export function deref(node: YNode | null | undefined): YNode | null {
  let n = node ?? null;
  for (let hops = 0; n !== null && n.kind === 'alias' && hops < 64; hops++) n = n.target;
  return n !== null && n.kind === 'alias' ? null : n;
}

export function resourceView(doc: ParsedDocument): ResourceView | undefined {
  const kindNode = topLevelScalar(doc.contents, 'kind');
  if (kindNode === undefined || typeof kindNode.value !== 'string' || kindNode.value === '') return undefined;
  const value = doc.toJS();
  if (!isRecord(value)) return undefined;
  return viewOf(value, doc.contents, kindNode.valueStart, kindNode.valueEnd);
}

/**
 * The objects of a `kind: List` (or `...List`) document, as kubectl and the Kyverno CLI split it;
 * undefined when the document is not a list.
 */
export function listItemViews(doc: ParsedDocument): ResourceView[] | undefined {
  const kindNode = topLevelScalar(doc.contents, 'kind');
  if (kindNode === undefined || typeof kindNode.value !== 'string' || !kindNode.value.endsWith('List')) return undefined;
  const root = deref(doc.contents);
  if (root === null || root.kind !== 'map') return undefined;
  let items: YNode | null = null;
  for (const pair of root.items) {
    const k = deref(pair.key);
    if (k !== null && k.kind === 'scalar' && k.value === 'items') items = deref(pair.value);
  }
  if (items === null || items.kind !== 'seq') return undefined;
  const value = doc.toJS();
  const values = isRecord(value) && Array.isArray(value.items) ? value.items : [];
  const views: ResourceView[] = [];
  items.items.forEach((node, i) => {
    const itemKind = topLevelScalar(node, 'kind');
    const itemValue: unknown = values[i];
    if (itemKind === undefined || !isRecord(itemValue)) return;
    const view = viewOf(itemValue, deref(node), itemKind.valueStart, itemKind.valueEnd);
    if (view !== undefined) views.push(view);
  });
  return views;
}

export function viewOf(value: Record<string, unknown>, root: YNode | null, kindStart: number, kindEnd: number): ResourceView | undefined {
  const kind = typeof value.kind === 'string' ? value.kind : '';
  if (kind === '') return undefined;
  const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const generateName = typeof metadata.generateName === 'string' ? metadata.generateName : '';
  let namespace = typeof metadata.namespace === 'string' ? metadata.namespace : '';
  let object = value;
  if (namespace === '' && !isClusterScopedKind(kind)) {
    namespace = 'default';
    const defaulted: Record<string, unknown> = copyRecord(metadata);
    defaulted.namespace = namespace;
    object = copyRecord(value);
    object.metadata = defaulted;
  }
  return {
    object, source: value, root, apiVersion, kind, gvk: groupVersionKind(apiVersion, kind), name, generateName, namespace,
    labels: stringMap(metadata.labels), annotations: stringMap(metadata.annotations), kindStart, kindEnd,
  };
}
