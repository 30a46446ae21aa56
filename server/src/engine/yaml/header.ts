// A document's top-level `apiVersion` and `kind` read from the syntax tree, so that classifying a file
// does not convert every document (most documents of a manifest file are of kinds no policy judges).

import type { ParsedDocument } from './model';
import { deref, isMergeKey, scalarKeyString } from './nodes';

export interface StringHeader { apiVersion?: string; kind?: string }

/**
 * `apiVersion` and `kind` of the document's mapping, each present exactly when `toJS()` would give it
 * as a string. Undefined when the tree cannot answer for toJS() (no mapping, a merge key at the top
 * level, or a document with errors, whose value toJS() may refuse): then convert the document.
 */
export function stringHeader(doc: ParsedDocument): StringHeader | undefined {
  if (doc.errors.length > 0) return undefined;
  const root = deref(doc.contents);
  if (root === null || root.kind !== 'map') return undefined;
  let apiVersion: unknown;
  let kind: unknown;
  for (const pair of root.items) {
    if (isMergeKey(pair.key)) return undefined;
    const key = deref(pair.key);
    // Keys that are not scalars become JSON text ("{...}", "[...]"), never "apiVersion" or "kind".
    if (key === null || key.kind !== 'scalar') continue;
    const name = scalarKeyString(key.value);
    if (name !== 'apiVersion' && name !== 'kind') continue;
    const value = deref(pair.value);
    // The last duplicate wins, as in toJS().
    const text = value !== null && value.kind === 'scalar' ? value.value : undefined;
    if (name === 'apiVersion') apiVersion = text;
    else kind = text;
  }
  const header: StringHeader = {};
  if (typeof apiVersion === 'string') header.apiVersion = apiVersion;
  if (typeof kind === 'string') header.kind = kind;
  return header;
}
