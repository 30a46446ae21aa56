// Which documents are Kyverno policy resources, and which CRD schema judges them.
import type { ParsedDocument } from '../yaml/model';
import type { SchemaRoot } from './schemaTypes';
import { findSchemaRoot, versionsOf } from './schema';
import { asMap, entry, stringValue } from './tree';

export const POLICY_GROUPS = ['kyverno.io', 'policies.kyverno.io'];
const LEGACY_KINDS = ['ClusterPolicy', 'Policy', 'PolicyException', 'ClusterCleanupPolicy', 'CleanupPolicy'];
const CEL_KINDS = ['ValidatingPolicy', 'NamespacedValidatingPolicy', 'PolicyException', 'ImageValidatingPolicy', 'NamespacedImageValidatingPolicy',
  'MutatingPolicy', 'NamespacedMutatingPolicy', 'GeneratingPolicy', 'NamespacedGeneratingPolicy', 'DeletingPolicy', 'NamespacedDeletingPolicy'];

export interface PolicyDocumentInfo {
  kind: 'policy';
  apiVersion: string;
  kindName: string;
  root: SchemaRoot;
  /** ClusterPolicy / Policy (the rule-based kinds Kyverno's programmatic validation covers). */
  isRulePolicy: boolean;
  namespaced: boolean;
}

export interface UnknownVersionInfo { kind: 'unknown-version'; apiVersion: string; kindName: string; group: string; knownVersions: string[] }

/** apiVersion/kind of a policy-looking document, read from the source (works while the rest is broken). */
export function isPolicyLike(apiVersion: string | undefined, kind: string | undefined): boolean {
  if (apiVersion === undefined || kind === undefined) return false;
  const group = apiVersion.split('/')[0];
  return (group === 'kyverno.io' && LEGACY_KINDS.includes(kind)) || (group === 'policies.kyverno.io' && CEL_KINDS.includes(kind));
}

export function classifyDocument(doc: ParsedDocument): PolicyDocumentInfo | UnknownVersionInfo | undefined {
  const map = asMap(doc.contents);
  if (map === null) return undefined;
  const apiVersion = stringValue(entry(map, 'apiVersion')?.value);
  const kindName = stringValue(entry(map, 'kind')?.value);
  if (apiVersion === undefined || kindName === undefined || !isPolicyLike(apiVersion, kindName)) return undefined;
  // A chainsaw assertion (`status:` without `spec:`) is a partial object to compare with, not a policy to apply.
  if (entry(map, 'spec') === undefined && entry(map, 'status') !== undefined) return undefined;
  const root = findSchemaRoot(apiVersion, kindName);
  if (root === undefined) {
    const group = apiVersion.split('/')[0];
    const knownVersions = versionsOf(group, kindName);
    // Kinds whose CRDs are not bundled (cleanup, mutating, ... policies) are not judged at all.
    if (knownVersions.length === 0) return undefined;
    return { kind: 'unknown-version', apiVersion, kindName, group, knownVersions };
  }
  return {
    kind: 'policy', apiVersion, kindName, root,
    isRulePolicy: root.group === 'kyverno.io' && (kindName === 'ClusterPolicy' || kindName === 'Policy'),
    namespaced: root.namespaced,
  };
}
