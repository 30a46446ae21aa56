// `matchConstraints` / `matchResources` (admissionregistration MatchResources) as the Kubernetes
// admission matcher applies them to one object: resourceRules, excludeResourceRules, objectSelector and
// namespaceSelector. The editor judges the object itself, so the subresource is "" and the operation is
// CREATE unless told otherwise. `matchPolicy: Equivalent` (matching other versions of the same kind) is
// not modelled: rules are matched against the object's own group/version.

import { compileSelector, isRecord, selectorMatches, type LabelSelector } from '../policy/selector';
import type { ResourceView } from '../policy/resource';
import { isClusterScopedKind } from '../policy/kinds';
import { resourceOfKind } from './library';

export interface ResourceRule {
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: string[];
  resourceNames: string[];
  scope: string;
}

export interface MatchResources {
  resourceRules: ResourceRule[];
  excludeResourceRules: ResourceRule[];
  /** undefined when absent or empty (matches every namespace). */
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
}

export type MatchOutcome = { matched: boolean } | { unknown: string };

export interface MatchEnvironment {
  operation: string;
  /** Labels of the namespaces the caller knows. */
  namespaceLabels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function compileRule(raw: unknown): ResourceRule {
  const r = isRecord(raw) ? raw : {};
  return {
    apiGroups: strings(r.apiGroups),
    apiVersions: strings(r.apiVersions),
    resources: strings(r.resources),
    operations: strings(r.operations),
    resourceNames: strings(r.resourceNames),
    scope: typeof r.scope === 'string' ? r.scope : '*',
  };
}

function nonEmptySelector(raw: unknown): LabelSelector | undefined {
  if (!isRecord(raw)) return undefined;
  const labels = isRecord(raw.matchLabels) ? Object.keys(raw.matchLabels).length : 0;
  const exprs = Array.isArray(raw.matchExpressions) ? raw.matchExpressions.length : 0;
  return labels + exprs === 0 ? undefined : compileSelector(raw);
}

export function compileMatchResources(raw: unknown): MatchResources {
  const m = isRecord(raw) ? raw : {};
  return {
    resourceRules: Array.isArray(m.resourceRules) ? m.resourceRules.map(compileRule) : [],
    excludeResourceRules: Array.isArray(m.excludeResourceRules) ? m.excludeResourceRules.map(compileRule) : [],
    namespaceSelector: nonEmptySelector(m.namespaceSelector),
    objectSelector: nonEmptySelector(m.objectSelector),
  };
}

function listHas(list: readonly string[], value: string): boolean {
  return list.includes('*') || list.includes(value);
}

/** `resources` entries: `pods`, `pods/ephemeralcontainers`, `*` (no subresources), `*` + `/*` (everything), `pods/*`. */
function resourceMatches(entries: readonly string[], resource: string, subresource: string): boolean {
  for (const entry of entries) {
    const slash = entry.indexOf('/');
    const res = slash < 0 ? entry : entry.slice(0, slash);
    const sub = slash < 0 ? '' : entry.slice(slash + 1);
    if (res !== '*' && res !== resource) continue;
    if (slash < 0 ? subresource === '' : sub === '*' || sub === subresource) return true;
  }
  return false;
}

export function ruleMatches(rule: ResourceRule, res: ResourceView, operation: string): boolean {
  if (!listHas(rule.operations, operation)) return false;
  if (!listHas(rule.apiGroups, res.gvk.group) || !listHas(rule.apiVersions, res.gvk.version)) return false;
  if (!resourceMatches(rule.resources, resourceOfKind(res.kind), '')) return false;
  if (rule.resourceNames.length > 0 && !rule.resourceNames.includes(res.name)) return false;
  const clusterScoped = isClusterScopedKind(res.kind);
  if (rule.scope === 'Cluster' && !clusterScoped) return false;
  if (rule.scope === 'Namespaced' && clusterScoped) return false;
  return true;
}

/** Whether the resource is in scope; "unknown" when a namespaceSelector needs labels nobody gave us. */
export function matchResources(m: MatchResources, res: ResourceView, env: MatchEnvironment): MatchOutcome {
  if (!m.resourceRules.some((r) => ruleMatches(r, res, env.operation))) return { matched: false };
  if (m.excludeResourceRules.some((r) => ruleMatches(r, res, env.operation))) return { matched: false };
  if (m.objectSelector !== undefined && !selectorMatches(m.objectSelector, res.labels)) return { matched: false };
  if (m.namespaceSelector !== undefined) {
    if (res.kind === 'Namespace') return { matched: selectorMatches(m.namespaceSelector, res.labels) };
    // Cluster-scoped objects are not in a namespace: the selector does not apply to them.
    if (isClusterScopedKind(res.kind)) return { matched: true };
    const labels = env.namespaceLabels?.[res.namespace];
    if (labels === undefined) {
      return { unknown: `matchConstraints.namespaceSelector needs the labels of namespace "${res.namespace}", which are not known here; the policy was not evaluated` };
    }
    return { matched: selectorMatches(m.namespaceSelector, labels) };
  }
  return { matched: true };
}
