// ValidatingPolicy auto-generation for Pod controllers (kyverno pkg/cel/policies/vpol/autogen,
// pkg/cel/autogen/{support,data,replacement}.go; semantics doc §4).
//  - Only when matchConstraints has no namespace/object selector labels or expressions, no
//    excludeResourceRules, and exactly one resourceRule with apiGroups [""], apiVersions ["v1"],
//    resources ["pods"] and no resourceNames (so `["pods", "pods/ephemeralcontainers"]` is not).
//  - Controllers: daemonsets, deployments, jobs, replicasets, statefulsets ("defaults") and cronjobs;
//    ReplicationController is not one. `spec.autogen.podControllers.controllers` overrides the set.
//  - Every string of the spec is rewritten: `object.spec` → `object.spec.template.spec` (cronjobs:
//    `object.spec.jobTemplate.spec.template.spec`), the same for `metadata` and for `oldObject.`,
//    except where the path continues with `.namespace` (the workload's own namespace).

import { isRecord } from '../policy/selector';

interface Target { group: string; version: string; resource: string; kind: string }

type Config = 'defaults' | 'cronjobs';

const CONFIGS: Readonly<Record<string, { target: Target; config: Config }>> = {
  daemonsets: { target: { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet' }, config: 'defaults' },
  deployments: { target: { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment' }, config: 'defaults' },
  replicasets: { target: { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet' }, config: 'defaults' },
  statefulsets: { target: { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet' }, config: 'defaults' },
  jobs: { target: { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job' }, config: 'defaults' },
  cronjobs: { target: { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob' }, config: 'cronjobs' },
};

const REPLACEMENTS: Readonly<Record<Config, [string, string][]>> = {
  defaults: [['spec', 'spec.template.spec'], ['metadata', 'spec.template.metadata']],
  cronjobs: [['spec', 'spec.jobTemplate.spec.template.spec'], ['metadata', 'spec.jobTemplate.spec.template.metadata']],
};

export interface AutogenSpec {
  config: Config;
  /** Kinds the generated spec matches, sorted. */
  kinds: string[];
  spec: Record<string, unknown>;
}

function selectorHasTerms(v: unknown): boolean {
  if (!isRecord(v)) return false;
  const labels = isRecord(v.matchLabels) ? Object.keys(v.matchLabels).length : 0;
  const exprs = Array.isArray(v.matchExpressions) ? v.matchExpressions.length : 0;
  return labels + exprs > 0;
}

function isExactly(v: unknown, value: string): boolean {
  return Array.isArray(v) && v.length === 1 && v[0] === value;
}

/** `autogen.CanAutoGen`. */
export function canAutoGen(matchConstraints: unknown): boolean {
  if (!isRecord(matchConstraints)) return false;
  const m = matchConstraints;
  if (selectorHasTerms(m.namespaceSelector) || selectorHasTerms(m.objectSelector)) return false;
  if (Array.isArray(m.excludeResourceRules) && m.excludeResourceRules.length > 0) return false;
  if (!Array.isArray(m.resourceRules) || m.resourceRules.length !== 1) return false;
  const rule: unknown = m.resourceRules[0];
  if (!isRecord(rule)) return false;
  if (Array.isArray(rule.resourceNames) && rule.resourceNames.length > 0) return false;
  return isExactly(rule.apiGroups, '') && isExactly(rule.apiVersions, 'v1') && isExactly(rule.resources, 'pods');
}

/** The generated specs, "cronjobs" before "defaults" as Kyverno sorts them; [] when autogen does not apply. */
export function autogenSpecs(spec: Record<string, unknown>): AutogenSpec[] {
  if (!canAutoGen(spec.matchConstraints)) return [];
  const autogen = isRecord(spec.autogen) ? spec.autogen : {};
  const podControllers = isRecord(autogen.podControllers) ? autogen.podControllers : {};
  const controllers = Array.isArray(podControllers.controllers)
    ? podControllers.controllers.filter((c): c is string => typeof c === 'string')
    : Object.keys(CONFIGS);
  const byConfig = new Map<Config, Target[]>();
  for (const c of new Set(controllers)) {
    const entry = CONFIGS[c];
    if (entry === undefined) continue;
    byConfig.set(entry.config, [...(byConfig.get(entry.config) ?? []), entry.target]);
  }
  const match = spec.matchConstraints as Record<string, unknown>;
  const operations = ((match.resourceRules as unknown[])[0] as Record<string, unknown>).operations;
  const out: AutogenSpec[] = [];
  for (const config of [...byConfig.keys()].sort()) {
    const targets = byConfig.get(config) ?? [];
    const rewritten = rewriteStrings(spec, REPLACEMENTS[config]) as Record<string, unknown>;
    rewritten.matchConstraints = { resourceRules: resourceRulesFor(targets, operations) };
    out.push({ config, kinds: targets.map((t) => t.kind).sort(), spec: rewritten });
  }
  return out;
}

function resourceRulesFor(targets: Target[], operations: unknown): Record<string, unknown>[] {
  const byGroupVersion = new Map<string, { group: string; version: string; resources: Set<string> }>();
  for (const t of targets) {
    const key = `${t.group}/${t.version}`;
    const entry = byGroupVersion.get(key) ?? { group: t.group, version: t.version, resources: new Set<string>() };
    entry.resources.add(t.resource);
    byGroupVersion.set(key, entry);
  }
  return [...byGroupVersion.values()]
    .sort((a, b) => (a.group === b.group ? (a.version < b.version ? -1 : 1) : a.group < b.group ? -1 : 1))
    .map((e) => ({ apiGroups: [e.group], apiVersions: [e.version], resources: [...e.resources].sort(), operations }));
}

function rewriteStrings(value: unknown, replacements: [string, string][]): unknown {
  if (typeof value === 'string') {
    let s = value;
    for (const [from, to] of replacements) {
      s = replaceUnprotected(s, `object.${from}`, `object.${to}`);
      s = replaceUnprotected(s, `oldObject.${from}`, `oldObject.${to}`);
    }
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => rewriteStrings(v, replacements));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = rewriteStrings(v, replacements);
    return out;
  }
  return value;
}

const PROTECTED_SUFFIX = '.namespace';

/** Replaces every occurrence except one continued by `.namespace` as a whole path segment. */
export function replaceUnprotected(s: string, from: string, to: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const at = s.indexOf(from, i);
    if (at < 0) return out + s.slice(i);
    const rest = s.slice(at + from.length);
    out += s.slice(i, at) + (isProtected(rest) ? from : to);
    i = at + from.length;
  }
}

function isProtected(rest: string): boolean {
  if (!rest.startsWith(PROTECTED_SUFFIX)) return false;
  const next = rest[PROTECTED_SUFFIX.length];
  return next === undefined || !/[A-Za-z0-9_]/.test(next);
}
