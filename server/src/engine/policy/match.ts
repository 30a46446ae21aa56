// match / exclude blocks (Kyverno pkg/engine/utils/match.go, pkg/utils/match): any/all/legacy resource
// filters, ANDed attributes, ORed list values, and user info that is ignored in `match` without admission info.

import { wildcardMatch } from '../pattern';
import { checkKind, parseKindSelector, type KindSelector } from './kinds';
import type { ResourceView } from './resource';
import { compileSelector, isRecord, scalarText, selectorMatches, stringMap, type LabelSelector } from './selector';

export interface ResourceDescription {
  kinds: KindSelector[];
  rawKinds: string[];
  name?: string;
  names?: string[];
  namespaces?: string[];
  annotations?: Record<string, string>;
  selector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  operations?: string[];
  /** No attribute at all: Kyverno's `ResourceDescription{}`. */
  empty: boolean;
}

export interface Subject { kind: string; name: string; namespace: string }

export interface UserInfoFilter { roles: string[]; clusterRoles: string[]; subjects: Subject[]; empty: boolean }

export interface ResourceFilter { resources: ResourceDescription; userInfo: UserInfoFilter }

export interface MatchBlock { any?: ResourceFilter[]; all?: ResourceFilter[]; legacy: ResourceFilter }

/** Who sends the request. Absent in the editor (as in background scans and `kyverno test` without --userinfo). */
export interface AdmissionInfo { roles?: string[]; clusterRoles?: string[]; username?: string; groups?: string[] }

export interface MatchEnv {
  operation: string;
  namespaceLabels: Record<string, string>;
  admission: AdmissionInfo | undefined;
}

export function compileMatchBlock(raw: unknown): MatchBlock {
  const block = isRecord(raw) ? raw : {};
  const out: MatchBlock = { legacy: compileFilter(block) };
  if (Array.isArray(block.any) && block.any.length > 0) out.any = block.any.map(compileFilter);
  else if (Array.isArray(block.all) && block.all.length > 0) out.all = block.all.map(compileFilter);
  return out;
}

/** A ResourceFilter is `{resources, subjects, roles, clusterRoles}`; the legacy block has the same shape. */
export function compileFilter(raw: unknown): ResourceFilter {
  const f = isRecord(raw) ? raw : {};
  return { resources: compileDescription(f.resources), userInfo: compileUserInfo(f) };
}

function stringList(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map(scalarText);
}

export function compileDescription(raw: unknown): ResourceDescription {
  const d = isRecord(raw) ? raw : {};
  const rawKinds = stringList(d.kinds) ?? [];
  const desc: ResourceDescription = { kinds: rawKinds.map(parseKindSelector), rawKinds, empty: true };
  if (typeof d.name === 'string' && d.name !== '') desc.name = d.name;
  const names = stringList(d.names);
  if (names !== undefined && names.length > 0) desc.names = names;
  const namespaces = stringList(d.namespaces);
  if (namespaces !== undefined && namespaces.length > 0) desc.namespaces = namespaces;
  if (isRecord(d.annotations) && Object.keys(d.annotations).length > 0) desc.annotations = stringMap(d.annotations);
  if (d.selector !== undefined && d.selector !== null) desc.selector = compileSelector(d.selector);
  if (d.namespaceSelector !== undefined && d.namespaceSelector !== null) desc.namespaceSelector = compileSelector(d.namespaceSelector);
  const operations = stringList(d.operations);
  if (operations !== undefined && operations.length > 0) desc.operations = operations;
  desc.empty = rawKinds.length === 0 && desc.name === undefined && desc.names === undefined && desc.namespaces === undefined
    && desc.annotations === undefined && desc.selector === undefined && desc.namespaceSelector === undefined && desc.operations === undefined;
  return desc;
}

function compileUserInfo(f: Record<string, unknown>): UserInfoFilter {
  const roles = stringList(f.roles) ?? [];
  const clusterRoles = stringList(f.clusterRoles) ?? [];
  const subjects: Subject[] = Array.isArray(f.subjects)
    ? f.subjects.filter(isRecord).map((s) => ({ kind: scalarText(s.kind), name: scalarText(s.name), namespace: scalarText(s.namespace) }))
    : [];
  return { roles, clusterRoles, subjects, empty: roles.length === 0 && clusterRoles.length === 0 && subjects.length === 0 };
}

/** `doesResourceMatchConditionBlock`: true when every set attribute holds. */
export function descriptionMatches(d: ResourceDescription, res: ResourceView, env: MatchEnv, allowEphemeralContainers: boolean): boolean {
  if (d.kinds.length > 0 && !checkKind(d.kinds, res.gvk, '', allowEphemeralContainers)) return false;
  const resourceName = res.name !== '' ? res.name : res.generateName;
  if (d.name !== undefined && !wildcardMatch(d.name, resourceName)) return false;
  if (d.names !== undefined && !d.names.some((n) => wildcardMatch(n, resourceName))) return false;
  if (d.namespaces !== undefined) {
    const ns = res.kind === 'Namespace' ? res.name : res.namespace;
    if (!d.namespaces.some((n) => wildcardMatch(n, ns))) return false;
  }
  if (d.annotations !== undefined && !annotationsMatch(d.annotations, res.annotations)) return false;
  if (d.selector !== undefined && !selectorMatches(d.selector, res.labels)) return false;
  if (d.namespaceSelector !== undefined && res.kind !== 'Namespace' && res.kind !== '') {
    if (!selectorMatches(d.namespaceSelector, env.namespaceLabels)) return false;
  }
  if (d.operations !== undefined && !d.operations.includes(env.operation)) return false;
  return true;
}

function annotationsMatch(expected: Record<string, string>, actual: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(expected)) {
    let found = false;
    for (const [k1, v1] of Object.entries(actual)) {
      if (wildcardMatch(k, k1) && wildcardMatch(v, v1)) { found = true; break; }
    }
    if (!found) return false;
  }
  return true;
}

export function userInfoMatches(u: UserInfoFilter, admission: AdmissionInfo | undefined): boolean {
  if (u.roles.length > 0 && !containsAny(u.roles, admission?.roles ?? [])) return false;
  if (u.clusterRoles.length > 0 && !containsAny(u.clusterRoles, admission?.clusterRoles ?? [])) return false;
  if (u.subjects.length > 0 && !subjectsMatch(u.subjects, admission)) return false;
  return true;
}

function containsAny(expected: readonly string[], actual: readonly string[]): boolean {
  return actual.some((a) => expected.includes(a));
}

function subjectsMatch(subjects: readonly Subject[], admission: AdmissionInfo | undefined): boolean {
  const username = admission?.username ?? '';
  const groups = admission?.groups ?? [];
  for (const s of subjects) {
    if (s.kind === 'ServiceAccount') {
      if (username === `system:serviceaccount:${s.namespace}:${s.name}`) return true;
    } else if (s.kind === 'User') {
      if (wildcardMatch(s.name, username)) return true;
    } else if (s.kind === 'Group') {
      if (groups.some((g) => wildcardMatch(s.name, g))) return true;
    }
  }
  return false;
}

function hasAdmissionInfo(a: AdmissionInfo | undefined): boolean {
  return a !== undefined && ((a.roles?.length ?? 0) > 0 || (a.clusterRoles?.length ?? 0) > 0 || (a.username ?? '') !== '' || (a.groups?.length ?? 0) > 0);
}

/** `matchesResourceDescriptionMatchHelper`: an empty filter never matches; user info is dropped without admission info. */
function matchFilter(f: ResourceFilter, res: ResourceView, env: MatchEnv): boolean {
  const userInfo = hasAdmissionInfo(env.admission) ? f.userInfo : undefined;
  if (f.resources.empty && (userInfo === undefined || userInfo.empty)) return false;
  if (!descriptionMatches(f.resources, res, env, true)) return false;
  return userInfo === undefined || userInfoMatches(userInfo, env.admission);
}

/** `matchesResourceDescriptionExcludeHelper`: true when the filter excludes the resource. User info is not reset. */
function excludeFilter(f: ResourceFilter, res: ResourceView, env: MatchEnv): boolean {
  if (f.resources.empty && f.userInfo.empty) return false;
  return descriptionMatches(f.resources, res, env, true) && userInfoMatches(f.userInfo, env.admission);
}

/** Kyverno `MatchesResourceDescription` minus the namespaced-policy check, which the caller does. */
export function ruleMatches(match: MatchBlock, exclude: MatchBlock | undefined, res: ResourceView, env: MatchEnv): boolean {
  let matched: boolean;
  if (match.any !== undefined) matched = match.any.some((f) => matchFilter(f, res, env));
  else if (match.all !== undefined) matched = match.all.every((f) => matchFilter(f, res, env));
  else matched = matchFilter(match.legacy, res, env);
  if (!matched || exclude === undefined) return matched;
  if (exclude.any !== undefined) return !exclude.any.some((f) => excludeFilter(f, res, env));
  if (exclude.all !== undefined) return !exclude.all.every((f) => excludeFilter(f, res, env));
  return !excludeFilter(exclude.legacy, res, env);
}

/** PolicyException `spec.match` (`checkMatchesResources`): any/all only, empty never matches, user info always checked. */
export function exceptionMatches(match: MatchBlock, res: ResourceView, env: MatchEnv): boolean {
  const check = (f: ResourceFilter): boolean => !(f.resources.empty && f.userInfo.empty)
    && descriptionMatches(f.resources, res, env, false) && userInfoMatches(f.userInfo, env.admission);
  if (match.any !== undefined) return match.any.some(check);
  if (match.all !== undefined) return match.all.every(check);
  return false;
}

/** Every kind name a block can match; '*' when a selector's kind part has a wildcard. */
export function kindNames(block: MatchBlock): string[] {
  const filters = block.any ?? block.all ?? [block.legacy];
  const out: string[] = [];
  for (const f of filters) {
    if (f.resources.kinds.length === 0) out.push('*');
    for (const k of f.resources.kinds) out.push(/[*?]/.test(k.kind) ? '*' : k.kind);
  }
  return out;
}
