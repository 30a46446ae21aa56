// Rule auto-generation for Pod controllers (Kyverno pkg/autogen/v1), on plain rule JSON.
// The engine computes rules per resource kind (`ComputeRules(policy, kind)`): a Deployment gets
// `autogen-<rule>` with kinds [apps/v1/Deployment], a CronJob gets `autogen-cronjob-<rule>`, a Pod only
// the written rules.

import { containsKind } from './kinds';
import { isRecord } from './selector';

export type RawRule = Record<string, unknown>;

export const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';

const POD_CONTROLLERS = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob'];
const POD_CONTROLLERS_AND_POD = new Set([...POD_CONTROLLERS, 'Pod']);
const NON_CRONJOB_CONTROLLERS = new Set(['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

const GVK: Record<string, string> = {
  DaemonSet: 'apps/v1/DaemonSet',
  Deployment: 'apps/v1/Deployment',
  Job: 'batch/v1/Job',
  StatefulSet: 'apps/v1/StatefulSet',
  ReplicaSet: 'apps/v1/ReplicaSet',
  ReplicationController: 'v1/ReplicationController',
  CronJob: 'batch/v1/CronJob',
  Pod: 'v1/Pod',
};

function convertKindsToGVK(kinds: readonly string[]): string[] {
  return kinds.map((k) => GVK[k] ?? k);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function descriptionOf(filterOrBlock: unknown): Record<string, unknown> {
  if (!isRecord(filterOrBlock)) return {};
  return isRecord(filterOrBlock.resources) ? filterOrBlock.resources : {};
}

/** `checkAutogenSupport`: name, names, selector, annotations or mixed kinds with Pod disable autogen for the whole policy. */
function supportsAutogen(description: Record<string, unknown>, needed: { value: boolean }): boolean {
  const kinds = strings(description.kinds);
  if ((typeof description.name === 'string' && description.name !== '') || strings(description.names).length > 0
    || (description.selector !== undefined && description.selector !== null)
    || (description.annotations !== undefined && description.annotations !== null)
    || (kinds.length > 1 && containsKind(kinds, 'Pod'))) {
    return false;
  }
  // Exact strings, as Kyverno's sets.HasAny does: `v1/Pod` alone does not make autogen "needed".
  if (kinds.some((k) => POD_CONTROLLERS_AND_POD.has(k))) needed.value = true;
  return true;
}

/** `CanAutoGen`: whether the policy's rules can be applied to Pod controllers at all. */
export function canAutoGen(rules: readonly RawRule[]): boolean {
  const needed = { value: false };
  for (const rule of rules) {
    if (rule.generate !== undefined && rule.generate !== null) return false;
    const mutate = rule.mutate;
    if (isRecord(mutate)) {
      if (typeof mutate.patchesJson6902 === 'string' && mutate.patchesJson6902 !== '') return false;
      if (Array.isArray(mutate.foreach) && mutate.foreach.some((f) => isRecord(f) && typeof f.patchesJson6902 === 'string' && f.patchesJson6902 !== '')) return false;
    }
    const blocks = [rule.match, rule.exclude].filter(isRecord);
    for (const block of blocks) {
      const filters: unknown[] = [block, ...(Array.isArray(block.any) ? block.any : []), ...(Array.isArray(block.all) ? block.all : [])];
      for (const f of filters) {
        if (!supportsAutogen(descriptionOf(f), needed)) return false;
      }
    }
  }
  return needed.value;
}

/** Whether `ComputeRules(policy, kind)` generates rules for this resource kind. */
export function autogenApplies(annotations: Readonly<Record<string, string>>, kind: string, allowed: boolean): boolean {
  if (!allowed) return false;
  if (Object.prototype.hasOwnProperty.call(annotations, AUTOGEN_ANNOTATION)) {
    // Split on ',' without trimming, as Kyverno does: "Deployment, Job" does not select " Job".
    return annotations[AUTOGEN_ANNOTATION].split(',').includes(kind);
  }
  return POD_CONTROLLERS.includes(kind);
}

/**
 * `computeRules(policy, kind)` for a kind that autogen applies to: the written rules (minus any already
 * named autogen-*) followed by the generated ones, or the written rules when nothing was generated.
 */
export function computeAutogenRules(rules: readonly RawRule[], kind: string): { rules: RawRule[]; generatedFrom: (number | undefined)[] } {
  const generated: RawRule[] = [];
  const origins: number[] = [];
  rules.forEach((rule, index) => {
    const forControllers = generateRuleForControllers(rule, stripCronJob(kind));
    if (forControllers !== undefined) { generated.push(convertRule(forControllers, 'Pod')); origins.push(index); }
    const forCronJob = generateCronJobRule(rule, kind);
    if (forCronJob !== undefined) { generated.push(convertRule(forCronJob, 'Cronjob')); origins.push(index); }
  });
  if (generated.length === 0) return { rules: [...rules], generatedFrom: rules.map(() => undefined) };
  const out: RawRule[] = [];
  const from: (number | undefined)[] = [];
  for (const rule of rules) {
    if (!isAutogenRuleName(ruleName(rule))) { out.push(rule); from.push(undefined); }
  }
  return { rules: [...out, ...generated], generatedFrom: [...from, ...origins] };
}

/**
 * The rules Kyverno lists in `status.autogen.rules`: `ComputeRules(policy, "")` minus the written ones,
 * i.e. the generated rules for every selected controller.
 */
export function autogenStatusRules(rules: readonly RawRule[], annotations: Readonly<Record<string, string>>): RawRule[] {
  if (!canAutoGen(rules)) return [];
  const controllers = Object.prototype.hasOwnProperty.call(annotations, AUTOGEN_ANNOTATION) ? annotations[AUTOGEN_ANNOTATION] : POD_CONTROLLERS.join(',');
  if (controllers === 'none') return [];
  const generated: RawRule[] = [];
  for (const rule of rules) {
    const forControllers = generateRuleForControllers(rule, stripCronJob(controllers));
    if (forControllers !== undefined) generated.push(convertRule(forControllers, 'Pod'));
    const forCronJob = generateCronJobRule(rule, controllers);
    if (forCronJob !== undefined) generated.push(convertRule(forCronJob, 'Cronjob'));
  }
  return generated;
}

function ruleName(rule: RawRule): string {
  return typeof rule.name === 'string' ? rule.name : '';
}

function isAutogenRuleName(name: string): boolean {
  return name.startsWith('autogen-');
}

function autogenRuleName(prefix: string, name: string): string {
  const full = `${prefix}-${name}`;
  return full.length > 63 ? full.slice(0, 63) : full;
}

function splitKinds(controllers: string): string[] {
  return controllers.split(',').sort();
}

function stripCronJob(controllers: string): string {
  return splitKinds(controllers).filter((c) => c !== 'CronJob').join(',');
}

function matchKindsOf(block: unknown): string[] {
  if (!isRecord(block)) return [];
  const kinds = [...strings(descriptionOf(block).kinds)];
  for (const f of Array.isArray(block.all) ? block.all : []) kinds.push(...strings(descriptionOf(f).kinds));
  for (const f of Array.isArray(block.any) ? block.any : []) kinds.push(...strings(descriptionOf(f).kinds));
  return kinds;
}

function generateRuleForControllers(rule: RawRule, controllersIn: string): RawRule | undefined {
  const name = ruleName(rule);
  if (isAutogenRuleName(name) || controllersIn === '') return undefined;
  const matchKinds = matchKindsOf(rule.match);
  const excludeKinds = isRecord(rule.exclude) ? matchKindsOf(rule.exclude) : [];
  if (!containsKind(matchKinds, 'Pod') || (excludeKinds.length !== 0 && !containsKind(excludeKinds, 'Pod'))) return undefined;
  let controllers = controllersIn;
  if (controllers === 'all') {
    controllers = 'DaemonSet,Deployment,Job,StatefulSet,ReplicaSet,ReplicationController';
  } else if (controllers !== 'none') {
    const validated = splitKinds(controllers).filter((c) => NON_CRONJOB_CONTROLLERS.has(c));
    // Known kinds win; a list of only unknown kinds (e.g. CloneSet) is used as written.
    if (validated.length > 0) controllers = validated.join(',');
  }
  return generateRule(autogenRuleName('autogen', name), rule, 'template', 'spec/template', splitKinds(controllers),
    (filters, kinds) => filters.map((f) => (containsKind(strings(descriptionOf(f).kinds), 'Pod') ? withKinds(f, convertKindsToGVK(kinds)) : f)));
}

function generateCronJobRule(rule: RawRule, controllers: string): RawRule | undefined {
  if (!controllers.includes('CronJob') && !controllers.includes('all')) return undefined;
  const base = generateRuleForControllers(rule, controllers);
  if (base === undefined) return undefined;
  return generateRule(autogenRuleName('autogen-cronjob', ruleName(rule)), base, 'jobTemplate', 'spec/jobTemplate/spec/template', ['CronJob'],
    (filters, kinds) => filters.map((f) => withKinds(f, convertKindsToGVK(kinds))));
}

function withKinds(filter: unknown, kinds: string[]): Record<string, unknown> {
  const f = isRecord(filter) ? filter : {};
  return { ...f, resources: { ...descriptionOf(f), kinds } };
}

type FilterRewrite = (filters: unknown[], kinds: string[]) => unknown[];

function generateRule(name: string, source: RawRule, tplKey: string, shift: string, kinds: string[], rewrite: FilterRewrite): RawRule | undefined {
  const rule: RawRule = structuredClone(source);
  rule.name = name;
  const match = isRecord(rule.match) ? rule.match : {};
  if (Array.isArray(match.any) && match.any.length > 0) rule.match = { ...match, any: rewrite(match.any, kinds) };
  else if (Array.isArray(match.all) && match.all.length > 0) rule.match = { ...match, all: rewrite(match.all, kinds) };
  else rule.match = { ...match, resources: { ...descriptionOf(match), kinds: convertKindsToGVK(kinds) } };
  if (isRecord(rule.exclude)) {
    const exclude = rule.exclude;
    if (Array.isArray(exclude.any) && exclude.any.length > 0) rule.exclude = { ...exclude, any: rewrite(exclude.any, kinds) };
    else if (Array.isArray(exclude.all) && exclude.all.length > 0) rule.exclude = { ...exclude, all: rewrite(exclude.all, kinds) };
    else if (strings(descriptionOf(exclude).kinds).length !== 0) rule.exclude = { ...exclude, resources: { ...descriptionOf(exclude), kinds: convertKindsToGVK(kinds) } };
  }
  const validate = rule.validate;
  if (isRecord(validate)) {
    const keep = (message: unknown, pivot: string): Record<string, unknown> => {
      const v: Record<string, unknown> = {};
      if (typeof message === 'string' && message !== '') v.message = shiftReferences(message, shift, pivot);
      for (const k of ['failureAction', 'failureActionOverrides', 'allowExistingViolations']) {
        if (validate[k] !== undefined && validate[k] !== null) v[k] = validate[k];
      }
      return v;
    };
    if (validate.pattern !== undefined && validate.pattern !== null) {
      rule.validate = { ...keep(validate.message, 'pattern'), pattern: { spec: { [tplKey]: validate.pattern } } };
      return rule;
    }
    if (validate.deny !== undefined && validate.deny !== null) {
      rule.validate = { ...keep(validate.message, 'deny'), deny: validate.deny };
      return rule;
    }
    if (validate.podSecurity !== undefined && validate.podSecurity !== null) {
      rule.validate = { ...keep(validate.message, 'podSecurity'), podSecurity: validate.podSecurity };
      return rule;
    }
    if (validate.anyPattern !== undefined && validate.anyPattern !== null) {
      const patterns = Array.isArray(validate.anyPattern) ? validate.anyPattern : [];
      rule.validate = { ...keep(validate.message, 'anyPattern'), anyPattern: patterns.map((p) => ({ spec: { [tplKey]: p } })) };
      return rule;
    }
    if (Array.isArray(validate.foreach) && validate.foreach.length > 0) {
      rule.validate = { ...keep(validate.message, 'pattern'), foreach: validate.foreach };
      return rule;
    }
    if (validate.cel !== undefined && validate.cel !== null) return rule;
    if (validate.assert !== undefined && validate.assert !== null) return rule;
  }
  if (Array.isArray(rule.verifyImages)) return rule;
  return undefined;
}

const POD_REPLACEMENTS: [string, string][] = [
  ['request.object.spec', 'request.object.spec.template.spec'],
  ['request.oldObject.spec', 'request.oldObject.spec.template.spec'],
  ['request.object.metadata', 'request.object.spec.template.metadata'],
  ['request.oldObject.metadata', 'request.oldObject.spec.template.metadata'],
];

const CRONJOB_REPLACEMENTS: [string, string][] = [
  ['request.object.spec', 'request.object.spec.jobTemplate.spec.template.spec'],
  ['request.oldObject.spec', 'request.oldObject.spec.jobTemplate.spec.template.spec'],
  ['request.object.metadata', 'request.object.spec.jobTemplate.spec.template.metadata'],
  ['request.oldObject.metadata', 'request.oldObject.spec.jobTemplate.spec.template.metadata'],
];

const POD_CEL_REPLACEMENTS: [string, string][] = [
  ['object.spec', 'object.spec.template.spec'],
  ['oldObject.spec', 'oldObject.spec.template.spec'],
  ['object.metadata', 'object.spec.template.metadata'],
  ['oldObject.metadata', 'oldObject.spec.template.metadata'],
];

const CRONJOB_CEL_REPLACEMENTS: [string, string][] = [
  ['object.spec', 'object.spec.jobTemplate.spec.template.spec'],
  ['oldObject.spec', 'oldObject.spec.jobTemplate.spec.template.spec'],
  ['object.metadata', 'object.spec.jobTemplate.spec.template.metadata'],
  ['oldObject.metadata', 'oldObject.spec.jobTemplate.spec.template.metadata'],
];

/** `convertRule`: the textual rewrite over the whole marshalled rule, exactly as Kyverno does it. */
function convertRule(rule: RawRule, kind: 'Pod' | 'Cronjob'): RawRule {
  let text = JSON.stringify(rule);
  const cel = isRecord(rule.validate) && rule.validate.cel !== undefined && rule.validate.cel !== null;
  const replacements = kind === 'Pod' ? (cel ? POD_CEL_REPLACEMENTS : POD_REPLACEMENTS) : (cel ? CRONJOB_CEL_REPLACEMENTS : CRONJOB_REPLACEMENTS);
  for (const [from, to] of replacements) text = text.split(from).join(to);
  const out = JSON.parse(text) as RawRule;
  // Kyverno's intermediate rule struct has no place for these; they do not survive the round trip.
  delete out.reportProperties;
  return out;
}

/**
 * `variables.FindAndShiftReferences`: `$(...)` references in the message are re-rooted below the new
 * pattern, e.g. `$(./../pattern/spec/x)` → `$(./../pattern/spec/template/spec/x)`.
 */
export function shiftReferences(value: string, shift: string, pivotIn: string): string {
  let out = value;
  let pivot = pivotIn;
  for (const ref of findReferences(value)) {
    const initial = ref.startsWith('$(');
    let reference = initial ? ref : ref.slice(1);
    const index = reference.indexOf(pivot);
    if (pivot === 'anyPattern' && index >= 0) {
      const ruleIndex = reference.slice(index + pivot.length + 1).split('/')[0];
      pivot = `${pivot}/${ruleIndex}`;
    }
    reference = reference.split(pivot).join(`${pivot}/${shift}`);
    out = out.replace(ref, (initial ? '' : ref[0]) + reference);
  }
  return out;
}

/** Go regexp `^\$\(.[^\ ]*\)|[^\\]\$\(.[^\ ]*\)` (greedy up to the last ')' before a space). */
function findReferences(value: string): string[] {
  const refs: string[] = [];
  let i = 0;
  while (i < value.length) {
    const at = value.indexOf('$(', i);
    if (at < 0) break;
    const start = at === 0 ? 0 : at - 1;
    if (at > 0 && value[at - 1] === '\\') { i = at + 2; continue; }
    let end = -1;
    for (let j = at + 3; j < value.length && value[j] !== ' '; j++) if (value[j] === ')') end = j;
    if (end < 0 || at + 2 >= value.length) { i = at + 2; continue; }
    refs.push(value.slice(start, end + 1));
    i = end + 1;
  }
  return refs;
}
