// Kind selectors of match/exclude blocks (`Pod`, `v1/Pod`, `apps/v1/Deployment`, `Pod/exec`, `Pod.status`,
// `*`, `*/*`) and the group/version/kind of a resource, as Kyverno's ParseKindSelector and CheckKind read them.

import { wildcardMatch } from '../pattern';

export interface KindSelector {
  group: string;
  version: string;
  kind: string;
  subresource: string;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

const VERSION = /^(v\d+((alpha|beta)\d+)?|\*)$/;

/** Kyverno `kubeutils.ParseKindSelector`: the last part may carry a `.subresource` suffix. */
export function parseKindSelector(input: string): KindSelector {
  const slashParts = input.split('/');
  const last = slashParts.pop() ?? '';
  const parts = [...slashParts, ...last.split('.')];
  switch (parts.length) {
    case 1:
      return { group: '*', version: '*', kind: parts[0], subresource: '' };
    case 2:
      if (parts[0] === '*' && parts[1] === '*') return { group: '*', version: '*', kind: '*', subresource: '*' };
      if (parts[0] === '*' && parts[1].toLowerCase() === parts[1]) return { group: '*', version: '*', kind: '*', subresource: parts[1] };
      if (VERSION.test(parts[0])) return { group: '*', version: parts[0], kind: parts[1], subresource: '' };
      return { group: '*', version: '*', kind: parts[0], subresource: parts[1] };
    case 3:
      if (VERSION.test(parts[0])) return { group: '*', version: parts[0], kind: parts[1], subresource: parts[2] };
      return { group: parts[0], version: parts[1], kind: parts[2], subresource: '' };
    case 4:
      return { group: parts[0], version: parts[1], kind: parts[2], subresource: parts[3] };
    default:
      return { group: '', version: '', kind: '', subresource: '' };
  }
}

/**
 * Kyverno `match.CheckKind`. The editor always evaluates the resource itself, so the subresource is "";
 * `allowEphemeralContainers` only matters for the `ephemeralcontainers` subresource, kept for fidelity.
 */
export function checkKind(selectors: readonly KindSelector[], gvk: GroupVersionKind, subresource: string, allowEphemeralContainers: boolean): boolean {
  for (const s of selectors) {
    if (wildcardMatch(s.group, gvk.group) && wildcardMatch(s.version, gvk.version) && wildcardMatch(s.kind, gvk.kind)) {
      if (s.subresource === '' || wildcardMatch(s.subresource, subresource)) return true;
      if (allowEphemeralContainers && gvk.group === '' && gvk.version === 'v1' && gvk.kind === 'Pod' && subresource === 'ephemeralcontainers') return true;
    }
  }
  return false;
}

/** `apps/v1` → group apps, version v1; `v1` → core group. */
export function groupVersionKind(apiVersion: string, kind: string): GroupVersionKind {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion, kind };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
}

/**
 * Kyverno `kubeutils.ContainsKind`: compares only the kind part of each entry (`v1/Pod`, `Pod/exec` and
 * `Pod` all contain Pod); used by autogen.
 */
export function containsKind(list: readonly string[], kind: string): boolean {
  for (const entry of list) {
    if (kindOfEntry(entry) === kind) return true;
  }
  return false;
}

function kindOfEntry(entry: string): string {
  const parts = entry.split('/');
  let k: string;
  switch (parts.length) {
    case 1:
      k = entry.replace('.', '/');
      break;
    case 2:
      if (parts[0] === '*' && parts[1] === '*') k = '*/*';
      else if (VERSION.test(parts[0])) k = parts[1].replace('.', '/');
      else k = `${parts[0]}/${parts[1]}`;
      break;
    case 3:
      k = VERSION.test(parts[0]) ? `${parts[1]}/${parts[2]}` : parts[2].replace('.', '/');
      break;
    case 4:
      k = `${parts[2]}/${parts[3]}`;
      break;
    default:
      k = '';
  }
  const sub = k.split('/');
  return sub.length === 2 ? sub[0] : k;
}

/**
 * Built-in cluster-scoped kinds. A namespaced resource written without a namespace lands in `default`
 * (as `kubectl apply` and `kyverno apply/test` do); a cluster-scoped one stays without namespace.
 */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'StorageClass', 'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding',
  'APIService', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'IngressClass', 'RuntimeClass', 'CertificateSigningRequest',
  'ComponentStatus', 'FlowSchema', 'PriorityLevelConfiguration', 'TokenReview', 'SelfSubjectReview', 'SelfSubjectAccessReview',
  'SelfSubjectRulesReview', 'SubjectAccessReview', 'ClusterPolicy', 'ClusterCleanupPolicy', 'ClusterPolicyReport',
  'ClusterEphemeralReport', 'ValidatingPolicy', 'ImageValidatingPolicy', 'MutatingPolicy', 'GeneratingPolicy', 'DeletingPolicy',
  'ClusterIssuer', 'GatewayClass', 'StorageVersionMigration', 'DeviceClass',
]);

export function isClusterScopedKind(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}
