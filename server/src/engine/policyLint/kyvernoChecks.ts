// Kyverno's programmatic policy validation (§6 layer 2: api/kyverno/v1 `Validate`, pkg/validation/policy
// `Validate`, pkg/policy/validate), with its own wording, as far as it applies offline (`mock` mode, no
// cluster discovery). Kyverno stops at the first error; the editor reports each one where it is.
// Checks that the CRD schema already enforces (any+all, name+names, context oneOf, enums) are reported
// by the schema layer only, with Kyverno's wording there.
import type { ParsedDocument, YNode } from '../yaml/model';
import type { PolicyProblem } from './types';
import type { PolicyDocumentInfo } from './classify';
import { arr, deepEqual, isObject, isSet, isZero, obj, str, type Json, type JsonObject } from './js';
import { asMap, asSeq, at, deref, entries, formatPath, rangeForPath, type Path, type Range } from './tree';
import { parseImageReference } from '../image';
import { wildcardMatch } from '../pattern';
import { compileExpression } from '../jmespath';
import { parseAnchor } from './anchors';
import { deleteEntryEdit } from './edits';

export interface SkipScope { rules: ReadonlySet<number>; spec: boolean }

const PREDEFINED_VARIABLES = ['images', 'request', 'serviceAccountName', 'serviceAccountNamespace', 'element', 'elementIndex'];
export const CONDITION_OPERATORS = [
  'Equal', 'Equals', 'NotEqual', 'NotEquals', 'In', 'AnyIn', 'AllIn', 'NotIn', 'AnyNotIn', 'AllNotIn',
  'GreaterThanOrEquals', 'GreaterThan', 'LessThanOrEquals', 'LessThan',
  'DurationGreaterThanOrEquals', 'DurationGreaterThan', 'DurationLessThanOrEquals', 'DurationLessThan',
];
export const DEPRECATED_OPERATORS: Record<string, string[]> = { In: ['AllIn', 'AnyIn'], NotIn: ['AllNotIn', 'AnyNotIn'] };
const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';
const VARIABLE = /\{\{[^{}]*\}\}/g;
const USER_VARIABLES = [/[^.](serviceAccountName)\b/, /[^.](serviceAccountNamespace)\b/, /[^.](request.userInfo)\b/, /[^.](request.roles)\b/, /[^.](request.clusterRoles)\b/];

// Cluster-scoped kinds of a standard cluster plus Kyverno's own. Kyverno asks the API server's discovery
// for this list; offline, these are the ones a namespaced Policy can be expected to name by mistake.
export const CLUSTER_SCOPED_KINDS: Record<string, string> = {
  Namespace: 'v1', Node: 'v1', PersistentVolume: 'v1', ComponentStatus: 'v1',
  ClusterRole: 'rbac.authorization.k8s.io/v1', ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
  StorageClass: 'storage.k8s.io/v1', CSIDriver: 'storage.k8s.io/v1', CSINode: 'storage.k8s.io/v1', VolumeAttachment: 'storage.k8s.io/v1',
  CustomResourceDefinition: 'apiextensions.k8s.io/v1', APIService: 'apiregistration.k8s.io/v1',
  ValidatingWebhookConfiguration: 'admissionregistration.k8s.io/v1', MutatingWebhookConfiguration: 'admissionregistration.k8s.io/v1',
  ValidatingAdmissionPolicy: 'admissionregistration.k8s.io/v1', ValidatingAdmissionPolicyBinding: 'admissionregistration.k8s.io/v1',
  PriorityClass: 'scheduling.k8s.io/v1', RuntimeClass: 'node.k8s.io/v1', IngressClass: 'networking.k8s.io/v1',
  CertificateSigningRequest: 'certificates.k8s.io/v1', FlowSchema: 'flowcontrol.apiserver.k8s.io/v1', PriorityLevelConfiguration: 'flowcontrol.apiserver.k8s.io/v1',
  ClusterPolicy: 'kyverno.io/v1', ClusterCleanupPolicy: 'kyverno.io/v2', ClusterPolicyReport: 'wgpolicyk8s.io/v1alpha2',
  ValidatingPolicy: 'policies.kyverno.io/v1', ImageValidatingPolicy: 'policies.kyverno.io/v1', MutatingPolicy: 'policies.kyverno.io/v1',
  GeneratingPolicy: 'policies.kyverno.io/v1', DeletingPolicy: 'policies.kyverno.io/v1',
};

class Reporter {
  readonly out: PolicyProblem[] = [];
  constructor(private readonly root: YNode | null) {}
  at(path: Path): Range { return rangeForPath(this.root, path); }
  add(path: Path | Range, code: string, message: string, severity: PolicyProblem['severity'] = 'error', fix?: PolicyProblem['fix']): void {
    const r = Array.isArray(path) ? this.at(path as Path) : path as Range;
    this.out.push({ severity, code, message, start: r.start, end: r.end, ...(fix ? { fix } : {}) });
  }
}

export function kyvernoChecks(doc: ParsedDocument, info: PolicyDocumentInfo, skip: SkipScope): PolicyProblem[] {
  if (!info.isRulePolicy) return [];
  const policy = obj(doc.toJS());
  if (policy === undefined) return [];
  const r = new Reporter(doc.contents);
  const spec = obj(policy.spec) ?? {};
  const metadata = obj(policy.metadata) ?? {};
  const rules = arr(spec.rules);
  const namespaced = info.kindName === 'Policy';
  const background = spec.background !== false;
  const ruleOk = (i: number): boolean => !skip.rules.has(i);

  // a. metadata
  if (!namespaced && typeof metadata.namespace === 'string' && metadata.namespace !== '') {
    r.add(['metadata', 'namespace'], 'kyverno-clusterpolicy-namespace', 'A clusterpolicy should not have the namespace defined');
  }
  const name = str(metadata.name);
  if (name !== undefined && name.length > 63) r.add(['metadata', 'name'], 'kyverno-name-too-long', 'name: Too long: may not be more than 63 bytes');
  const annotations = obj(metadata.annotations) ?? {};
  if (annotations[AUTOGEN_ANNOTATION] === 'all') {
    const path = ['metadata', 'annotations', AUTOGEN_ANNOTATION];
    r.add(path, 'kyverno-autogen-all', "metadata.annotations: Forbidden: Autogen annotation does not support 'all' anymore, remove the annotation or set it to a valid value",
      'error', removeAnnotationFix(doc));
  }

  // b. variables
  checkVariables(r, policy, rules, background, ruleOk);

  // c. spec.Validate
  const timeout = spec.webhookTimeoutSeconds;
  const webhookConfiguration = obj(spec.webhookConfiguration);
  if (typeof timeout === 'number' && webhookConfiguration !== undefined && typeof webhookConfiguration.timeoutSeconds === 'number') {
    r.add(['spec', 'webhookTimeoutSeconds'], 'kyverno-deprecated-field-conflict', 'spec.webhookTimeoutSeconds: Forbidden: remove the deprecated field and use spec.webhookConfiguration.timeoutSeconds instead');
  }
  if (isSet(spec.failurePolicy) && webhookConfiguration !== undefined && isSet(webhookConfiguration.failurePolicy)) {
    r.add(['spec', 'failurePolicy'], 'kyverno-deprecated-field-conflict', 'spec.failurePolicy: Forbidden: remove the deprecated field and use spec.webhookConfiguration.failurePolicy instead');
  }
  if (typeof timeout === 'number' && (timeout < 1 || timeout > 30)) {
    r.add(['spec', 'webhookTimeoutSeconds'], 'kyverno-webhook-timeout', `spec.webhookTimeoutSeconds: Invalid value: ${timeout}: the timeout value must be between 1 and 30 seconds`);
  }
  const wcTimeout = webhookConfiguration?.timeoutSeconds;
  if (typeof wcTimeout === 'number' && (wcTimeout < 1 || wcTimeout > 30)) {
    r.add(['spec', 'webhookConfiguration', 'timeoutSeconds'], 'kyverno-webhook-timeout', `spec.webhookConfiguration.timeoutSeconds: Invalid value: ${wcTimeout}: the timeout value must be between 1 and 30 seconds`);
  }
  checkRuleNames(r, rules);
  rules.forEach((rule, i) => { if (ruleOk(i) && isObject(rule)) checkRuleValidate(r, rule, i, namespaced); });
  if (namespaced && arr(spec.validationFailureActionOverrides).length > 0) {
    r.add(['spec', 'validationFailureActionOverrides'], 'kyverno-overrides-in-policy', 'spec.validationFailureActionOverrides: Forbidden: Use of validationFailureActionOverrides is supported only with ClusterPolicy');
  }

  // d. failure action overrides (ClusterPolicy)
  if (!namespaced) {
    rules.forEach((rule, i) => {
      const validate = obj(obj(rule)?.validate);
      if (ruleOk(i) && validate !== undefined) {
        checkOverrideNamespaces(r, arr(validate.failureActionOverrides), ['spec', 'rules', i, 'validate', 'failureActionOverrides'], `spec.rules[${i}].validate.validationFailureActionOverrides`);
      }
    });
    checkOverrideNamespaces(r, arr(spec.validationFailureActionOverrides), ['spec', 'validationFailureActionOverrides'], 'spec.validationFailureActionOverrides');
  }

  // e. admission / background
  if (spec.admission === false && spec.background === false) {
    r.add(['spec', 'admission'], 'kyverno-admission-background', 'disabling both admission and background processing is not allowed');
  } else if (spec.admission === false && rules.some((rule) => isSet(obj(rule)?.mutate) || isSet(obj(rule)?.generate) || isSet(obj(rule)?.verifyImages))) {
    r.add(['spec', 'admission'], 'kyverno-admission-disabled', 'disabling admission processing is only allowed with validation policies');
  }

  rules.forEach((ruleValue, i) => {
    const rule = obj(ruleValue);
    if (rule === undefined || !ruleOk(i)) return;
    // f. kinds
    checkKinds(r, rule, i, background);
    // g. resources and conditions
    checkResources(r, rule, i);
    // h. context
    checkContext(r, rule, i);
    // i. kinds present
    checkKindsPresent(r, rule, i);
    // j. the validate sub-rule
    const validate = obj(rule.validate);
    if (validate !== undefined) checkValidateRule(r, doc, rule, validate, i);
    // k. labels and annotations in patterns
    if (validate !== undefined && !labelsAndAnnotationsAreStrings(validate)) {
      r.add(['spec', 'rules', i, 'validate'], 'kyverno-label-values', 'labels and annotations supports only string values, "use double quotes around the non string values"');
    }
    // l. warnings
    ruleWarnings(r, rule, i, policy);
  });
  return r.out;
}

function removeAnnotationFix(doc: ParsedDocument): PolicyProblem['fix'] {
  const annotations = asMap(at(doc.contents, ['metadata', 'annotations']));
  const e = annotations === null ? undefined : entries(annotations).find((x) => x.key === AUTOGEN_ANNOTATION);
  const edit = annotations === null || e === undefined ? undefined : deleteEntryEdit(doc, annotations, e);
  return edit && { title: 'Remove the autogen-controllers annotation (rules are then generated for all Pod controllers)', edits: [edit], preferred: true };
}

function checkVariables(r: Reporter, policy: JsonObject, rules: Json[], background: boolean, ruleOk: (i: number) => boolean): void {
  rules.forEach((ruleValue, i) => {
    const rule = obj(ruleValue);
    if (rule === undefined || !ruleOk(i)) return;
    const ruleName = str(rule.name) ?? '';
    if (isSet(rule.exclude) && JSON.stringify(rule.exclude).match(VARIABLE)) {
      r.add(['spec', 'rules', i, 'exclude'], 'kyverno-variables-in-exclude', `rule "${ruleName}" should not have variables in exclude section`);
    }
    if (isSet(rule.match) && JSON.stringify(rule.match).match(VARIABLE)) {
      r.add(['spec', 'rules', i, 'match'], 'kyverno-variables-in-match', `rule "${ruleName}" should not have variables in match section`);
    }
  });
  if (!background) return;
  const prefix = 'only select variables are allowed in background mode. Set spec.background=false to disable background mode for this policy rule: ';
  let userInfoReported = false;
  rules.forEach((ruleValue, i) => {
    const rule = obj(ruleValue);
    if (rule === undefined || !ruleOk(i) || userInfoReported) return;
    for (const block of ['match', 'exclude'] as const) {
      const m = obj(rule[block]);
      if (m === undefined) continue;
      const candidates: [Path, JsonObject | undefined][] = [[[], m], ...arr(m.any).map((f, j): [Path, JsonObject | undefined] => [['any', j], obj(f)]), ...arr(m.all).map((f, j): [Path, JsonObject | undefined] => [['all', j], obj(f)])];
      for (const [sub, filter] of candidates) {
        const field = ['roles', 'clusterRoles', 'subjects'].find((k) => arr(filter?.[k]).length > 0);
        if (field === undefined) continue;
        const kyPath = `spec/rules[${i}]/${block}/${sub.length === 2 ? `${sub[0]}[${sub[1]}]/` : ''}${field}`;
        r.add(['spec', 'rules', i, block, ...sub, field], 'kyverno-background-userinfo', `${prefix}invalid variable used at path: ${kyPath} `);
        userInfoReported = true;
        return;
      }
    }
  });
  if (userInfoReported) return;
  if (rules.some((rule) => isSet(obj(obj(rule)?.mutate)?.targets))) return;
  const policyJson = JSON.stringify({ ...policy, status: undefined });
  for (const match of policyJson.match(VARIABLE) ?? []) {
    if (USER_VARIABLES.some((re) => re.test(match))) {
      r.add(['spec', 'background'], 'kyverno-background-variables', `${prefix}variable ${match} is not allowed `);
      return;
    }
  }
}

function checkRuleNames(r: Reporter, rules: Json[]): void {
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    const name = str(obj(rule)?.name) ?? '';
    if (seen.has(name)) r.add(['spec', 'rules', i, 'name'], 'kyverno-duplicate-rule-name', `spec.rules[${i}].name: Duplicate rule name: '${name}'`);
    seen.add(name);
  });
}

const OPERATIONS = ['mutate', 'validate', 'generate', 'verifyImages'] as const;

function hasOperation(rule: JsonObject, op: typeof OPERATIONS[number]): boolean {
  const v = rule[op];
  if (op === 'verifyImages') return Array.isArray(v) && v.length > 0;
  return isObject(v);
}

function checkRuleValidate(r: Reporter, rule: JsonObject, i: number, namespaced: boolean): void {
  const name = str(rule.name) ?? '';
  const ops = OPERATIONS.filter((op) => hasOperation(rule, op));
  if (ops.length === 0) {
    r.add(['spec', 'rules', i], 'kyverno-no-operation', `spec.rules[${i}]: No operation defined in the rule '${name}'.(supported operations: mutate,validate,generate,verifyImages)`);
  } else if (ops.length > 1) {
    r.add(['spec', 'rules', i, ops[1]], 'kyverno-multiple-operations', `spec.rules[${i}]: Multiple operations defined in the rule '${name}', only one operation (mutate,validate,generate,verifyImages) is allowed per rule`);
  }
  if (isSet(rule.imageExtractors) && !hasOperation(rule, 'verifyImages')) {
    r.add(['spec', 'rules', i, 'imageExtractors'], 'kyverno-image-extractors', `spec.rules[${i}].imageExtractors: Invalid rule spec for rule '${name}', imageExtractors can only be defined for verifyImages rule`);
  }
  if (matchesEmptySet(rule)) r.add(['spec', 'rules', i, 'exclude'], 'kyverno-empty-set', `spec.rules[${i}]: Rule is matching an empty set`);
  for (const block of ['match', 'exclude'] as const) {
    const m = obj(rule[block]);
    if (m === undefined) continue;
    const base: Path = ['spec', 'rules', i, block];
    arr(m.any).forEach((f, j) => checkFilter(r, obj(f), [...base, 'any', j], namespaced));
    arr(m.all).forEach((f, j) => checkFilter(r, obj(f), [...base, 'all', j], namespaced));
    checkFilter(r, m, base, namespaced);
  }
}

/** UserInfo.Validate and ResourceDescription.Validate for one filter (`resources` + user info). */
function checkFilter(r: Reporter, filter: JsonObject | undefined, path: Path, namespaced: boolean): void {
  if (filter === undefined) return;
  arr(filter.roles).forEach((role, k) => {
    if (typeof role === 'string' && !role.trim().includes(':')) {
      r.add([...path, 'roles', k], 'kyverno-role-format', `${formatPath([...path, 'roles', k])}: Invalid value: ${JSON.stringify(role)}: Role is expected to be in namespace:name format`);
    }
  });
  arr(filter.subjects).forEach((subject, k) => {
    const s = obj(subject);
    if (s === undefined) return;
    const kind = str(s.kind) ?? '';
    if (kind === 'ServiceAccount') {
      if (!str(s.namespace)) r.add([...path, 'subjects', k], 'kyverno-subject-namespace', `${formatPath([...path, 'subjects', k, 'namespace'])}: Required value: namespace is required when Kind is ServiceAccount`);
    } else if (kind !== 'User' && kind !== 'Group') {
      r.add([...path, 'subjects', k, 'kind'], 'kyverno-subject-kind', `${formatPath([...path, 'subjects', k, 'kind'])}: Unsupported value: ${JSON.stringify(kind)}: kind must be 'User', 'Group', or 'ServiceAccount'`);
    }
  });
  const rd = obj(filter.resources);
  if (rd === undefined) return;
  const rdPath = [...path, 'resources'];
  const selector = obj(rd.selector);
  if (selector !== undefined && !selectorHasWildcard(selector) && !selectorHasRequirements(selector)) {
    r.add([...rdPath, 'selector'], 'kyverno-empty-selector', `${formatPath([...rdPath, 'selector'])}: The requirements are not specified in selector`);
  }
  if (namespaced) {
    if (arr(rd.namespaces).length > 0) {
      r.add([...rdPath, 'namespaces'], 'kyverno-namespaces-in-policy', `${formatPath([...rdPath, 'namespaces'])}: Forbidden: Filtering namespaces not allowed in namespaced policies`);
    }
    arr(rd.kinds).forEach((kind, k) => {
      if (typeof kind === 'string' && isClusterScopedKind(kind)) {
        r.add([...rdPath, 'kinds', k], 'kyverno-cluster-kind-in-policy', `${formatPath([...rdPath, 'kinds', k])}: Forbidden: Cluster wide resource '${kind}' not allowed in namespaced policy`);
      }
    });
  }
}

/** Kyverno's discovery set holds bare kinds and `<group/version>/<Kind>`. */
function isClusterScopedKind(kind: string): boolean {
  if (Object.prototype.hasOwnProperty.call(CLUSTER_SCOPED_KINDS, kind)) return true;
  const slash = kind.lastIndexOf('/');
  if (slash < 0) return false;
  const bare = kind.slice(slash + 1);
  return Object.prototype.hasOwnProperty.call(CLUSTER_SCOPED_KINDS, bare) && CLUSTER_SCOPED_KINDS[bare] === kind.slice(0, slash);
}

function selectorHasWildcard(selector: JsonObject): boolean {
  const labels = obj(selector.matchLabels) ?? {};
  return Object.entries(labels).some(([k, v]) => /[*?]/.test(k) || (typeof v === 'string' && /[*?]/.test(v)));
}

function selectorHasRequirements(selector: JsonObject): boolean {
  return Object.keys(obj(selector.matchLabels) ?? {}).length > 0 || arr(selector.matchExpressions).length > 0;
}

/** ValidateMatchExcludeConflict: the exclude block removes everything the match block selects. */
function matchesEmptySet(rule: JsonObject): boolean {
  const match = obj(rule.match) ?? {};
  const exclude = obj(rule.exclude) ?? {};
  if (arr(exclude.all).length > 0 || arr(match.all).length > 0) return false;
  if (arr(match.any).length > 0 && arr(exclude.any).length > 0) {
    return arr(match.any).some((m) => arr(exclude.any).some((e) => deepEqual(m, e)));
  }
  if (isZero(exclude)) return false;
  const mr = obj(match.resources) ?? {};
  const er = obj(exclude.resources) ?? {};
  const list = (o: JsonObject, k: string): string[] => arr(o[k]).filter((x): x is string => typeof x === 'string');
  const hasAll = (set: string[], items: string[]): boolean => items.every((x) => set.includes(x));
  const eRoles = list(exclude, 'roles');
  if (eRoles.length > 0 && (list(match, 'roles').length === 0 || !hasAll(eRoles, list(match, 'roles')))) return false;
  const eCluster = list(exclude, 'clusterRoles');
  if (eCluster.length > 0 && (list(match, 'clusterRoles').length === 0 || !hasAll(eCluster, list(match, 'clusterRoles')))) return false;
  const eSubjects = arr(exclude.subjects).map((s) => JSON.stringify(s));
  if (eSubjects.length > 0) {
    if (arr(match.subjects).length === 0) return false;
    if (arr(match.subjects).some((s) => !eSubjects.includes(JSON.stringify(s)))) return false;
  }
  const eName = str(er.name) ?? '';
  if (eName !== '' && !wildcardMatch(eName, str(mr.name) ?? '')) return false;
  const eNames = list(er, 'names');
  if (eNames.length > 0) {
    const mNames = list(mr, 'names');
    if (mNames.length === 0) return false;
    return mNames.some((m) => eNames.some((e) => wildcardMatch(e, m)));
  }
  const eNamespaces = list(er, 'namespaces');
  if (eNamespaces.length > 0 && (list(mr, 'namespaces').length === 0 || !hasAll(eNamespaces, list(mr, 'namespaces')))) return false;
  const eKinds = list(er, 'kinds');
  if (eKinds.length > 0 && (list(mr, 'kinds').length === 0 || !hasAll(eKinds, list(mr, 'kinds')))) return false;
  for (const key of ['selector', 'namespaceSelector']) {
    const ms = obj(mr[key]);
    const es = obj(er[key]);
    if (ms !== undefined && es !== undefined) {
      const eExpr = arr(es.matchExpressions).map((x) => JSON.stringify(x));
      if (eExpr.length > 0) {
        if (arr(ms.matchExpressions).length === 0) return false;
        if (arr(ms.matchExpressions).some((x) => !eExpr.includes(JSON.stringify(x)))) return false;
      }
      const eLabels = obj(es.matchLabels) ?? {};
      if (Object.keys(eLabels).length > 0) {
        const mLabels = obj(ms.matchLabels) ?? {};
        if (Object.keys(mLabels).length === 0) return false;
        if (Object.entries(mLabels).some(([k, v]) => eLabels[k] !== v)) return false;
      }
    }
    if ((ms === undefined) !== (es === undefined)) return false;
  }
  const ma = obj(mr.annotations);
  const ea = obj(er.annotations);
  if (ma !== undefined && ea !== undefined && !deepEqual(ma, ea)) return false;
  if ((ma === undefined) !== (ea === undefined)) return false;
  return true;
}

function checkOverrideNamespaces(r: Reporter, overrides: Json[], path: Path, kyvernoPath: string): void {
  const enforce = new Set<string>();
  const audit = new Set<string>();
  const enforceW = new Set<string>();
  const auditW = new Set<string>();
  for (let i = 0; i < overrides.length; i++) {
    const o = obj(overrides[i]) ?? {};
    const action = str(o.action) ?? '';
    if (!['enforce', 'audit', 'Enforce', 'Audit'].includes(action)) {
      r.add([...path, i, 'action'], 'kyverno-invalid-action', 'invalid action');
      return;
    }
    const namespaces = arr(o.namespaces).filter((x): x is string => typeof x === 'string');
    const patterns = namespaces.filter((n) => /[*?]/.test(n));
    const names = namespaces.filter((n) => !/[*?]/.test(n));
    const nsPath = `${kyvernoPath}[${i}].namespaces`;
    const isEnforce = action === 'Enforce' || action === 'enforce';
    const conflicting = names.filter((n) => (isEnforce ? audit : enforce).has(n));
    if (conflicting.length > 0) {
      r.add([...path, i, 'namespaces'], 'kyverno-override-conflict', `conflicting namespaces found in path: ${nsPath}: ${[...new Set(conflicting)].sort().join(', ')}`);
      return;
    }
    for (const p of patterns) (isEnforce ? enforceW : auditW).add(p);
    for (const n of names) (isEnforce ? enforce : audit).add(n);
    const conflict = wildcardConflict([...enforce].sort(), [...audit].sort(), [...enforceW].sort(), [...auditW].sort());
    if (conflict !== undefined) {
      r.add([...path, i, 'namespaces'], 'kyverno-override-conflict', `path: ${nsPath}: ${conflict}`);
      return;
    }
  }
}

function wildcardConflict(enforce: string[], audit: string[], enforceW: string[], auditW: string[]): string | undefined {
  const first = (patterns: string[], names: string[]): [string, string] | undefined => {
    for (const p of patterns) for (const n of names) if (wildcardMatch(p, n)) return [p, n];
    return undefined;
  };
  let hit = first(auditW, enforce) ?? first(enforceW, audit);
  if (hit) return `wildcard pattern '${hit[0]}' matches with namespace '${hit[1]}'`;
  hit = first(auditW, enforceW) ?? first(enforceW, auditW);
  if (hit) return `wildcard pattern '${hit[0]}' conflicts with the pattern '${hit[1]}'`;
  return undefined;
}

function filtersOf(block: JsonObject | undefined): { path: Path; rd: JsonObject | undefined; filter: JsonObject }[] {
  if (block === undefined) return [];
  const out: { path: Path; rd: JsonObject | undefined; filter: JsonObject }[] = [];
  arr(block.any).forEach((f, j) => { const o = obj(f); if (o) out.push({ path: ['any', j], rd: obj(o.resources), filter: o }); });
  arr(block.all).forEach((f, j) => { const o = obj(f); if (o) out.push({ path: ['all', j], rd: obj(o.resources), filter: o }); });
  out.push({ path: [], rd: obj(block.resources), filter: block });
  return out;
}

function checkKinds(r: Reporter, rule: JsonObject, i: number, background: boolean): void {
  for (const block of ['match', 'exclude'] as const) {
    for (const { path, rd } of filtersOf(obj(rule[block]))) {
      const kinds = arr(rd?.kinds).filter((k): k is string => typeof k === 'string');
      if (!kinds.includes('*')) continue;
      const kyPath = `path: spec.rules[${i}].${block}${path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('')}.kinds: `;
      const at: Path = ['spec', 'rules', i, block, ...path, 'resources', 'kinds'];
      const err = wildcardKindError(rule, kinds, background);
      if (err !== undefined) r.add(at, 'kyverno-wildcard-kind', kyPath + err);
    }
  }
}

function wildcardKindError(rule: JsonObject, kinds: string[], background: boolean): string | undefined {
  if (background) return 'wildcard policy not allowed in background mode. Set spec.background=false to disable background mode for this policy rule ';
  if (kinds.length > 1) return 'wildcard policy can not deal with more than one kind';
  const validate = obj(rule.validate);
  if (isSet(rule.generate) || arr(rule.verifyImages).length > 0 || isSet(validate?.foreach)) return 'wildcard policy does not support rule type';
  if (validate !== undefined && (isSet(validate.pattern) || isSet(validate.anyPattern)) && !onlyMetadata(rule)) return METADATA_ONLY;
  if (isObject(rule.mutate) && !onlyMetadata(rule)) return METADATA_ONLY;
  return undefined;
}

const METADATA_ONLY = 'policy can only deal with the metadata field of the resource if the rule does not match any kind';

function onlyMetadata(rule: JsonObject): boolean {
  const patch = obj(obj(rule.mutate)?.patchStrategicMerge);
  if (patch && Object.keys(patch).some((k) => k !== 'metadata')) return false;
  const validate = obj(rule.validate);
  const pattern = obj(validate?.pattern);
  if (pattern && Object.keys(pattern).some((k) => k !== 'metadata')) return false;
  for (const p of arr(validate?.anyPattern)) {
    const m = obj(p);
    if (m && Object.keys(m).some((k) => k !== 'metadata')) return false;
  }
  return true;
}

function checkResources(r: Reporter, rule: JsonObject, i: number): void {
  const exclude = obj(rule.exclude);
  const match = obj(rule.match) ?? {};
  if (exclude !== undefined) {
    if ((arr(exclude.any).length > 0 || arr(exclude.all).length > 0) && !isZero(exclude.resources)) {
      r.add(['spec', 'rules', i, 'exclude', 'resources'], 'kyverno-anyall-with-resources', `path: spec.rules[${i}].exclude.: can't specify any/all together with exclude resources`);
    }
  }
  if ((arr(match.any).length > 0 || arr(match.all).length > 0) && !isZero(match.resources)) {
    r.add(['spec', 'rules', i, 'match', 'resources'], 'kyverno-anyall-with-resources', `path: spec.rules[${i}].match.: can't specify any/all together with match resources`);
  }
  const filters = arr(match.any).length > 0 ? arr(match.any).map((f, j) => ({ f, path: ['match', 'any', j] as Path }))
    : arr(match.all).length > 0 ? arr(match.all).map((f, j) => ({ f, path: ['match', 'all', j] as Path }))
      : [{ f: match as Json, path: ['match'] as Path }];
  for (const { f, path } of filters) {
    const rd = obj(f)?.resources;
    if (!isSet(rd) || (isObject(rd) && Object.values(rd).every((v) => v === null))) {
      r.add(['spec', 'rules', i, ...path], 'kyverno-match-resources-empty', `path: spec.rules[${i}].match.resources.: match resources not specified`);
      return;
    }
  }
  if (isSet(rule.preconditions)) checkConditions(r, rule.preconditions, ['spec', 'rules', i, 'preconditions'], `path: spec.rules[${i}].validate.preconditions`, true);
  const validate = obj(rule.validate);
  const deny = obj(validate?.deny);
  if (deny !== undefined && isSet(deny.conditions)) {
    checkConditions(r, deny.conditions, ['spec', 'rules', i, 'validate', 'deny', 'conditions'], `path: spec.rules[${i}].validate.deny.conditions`, true);
  }
  checkForeachConditions(r, arr(validate?.foreach), ['spec', 'rules', i, 'validate', 'foreach'], `path: spec.rules[${i}].validate.foreach`);
}

function conditionList(conditions: Json): { list: Json[]; sub: (j: number) => Path; kySub: (j: number) => string }[] {
  if (Array.isArray(conditions)) return [{ list: conditions, sub: (j) => [j], kySub: (j) => `[${j}]` }];
  const o = obj(conditions);
  if (o === undefined) return [];
  return (['any', 'all'] as const).filter((k) => Array.isArray(o[k])).map((k) => ({ list: arr(o[k]), sub: (j: number) => [k, j], kySub: (j: number) => `.${k}[${j}]` }));
}

function checkConditions(r: Reporter, conditions: Json, path: Path, kyPrefix: string, values: boolean): void {
  for (const { list, sub, kySub } of conditionList(conditions)) {
    list.forEach((c, j) => {
      const cond = obj(c) ?? {};
      const at: Path = [...path, ...sub(j)];
      if (values) {
        if (!isSet(cond.key) || !isSet(cond.value) || !str(cond.operator)) {
          r.add(at, 'kyverno-condition-incomplete', `${kyPrefix}${kySub(j)}.: entered value of \`key\`, \`value\` or \`operator\` is missing or misspelled`);
          return;
        }
        const opError = requestOperationValues(cond);
        if (opError !== undefined) {
          r.add([...at, 'value'], 'kyverno-condition-operation', `${kyPrefix}${kySub(j)}.${opError.path}: ${opError.message}`);
          return;
        }
      }
      const op = str(cond.operator);
      if (op !== undefined && !CONDITION_OPERATORS.includes(op)) {
        r.add([...at, 'operator'], 'kyverno-condition-operator', `${kyPrefix}${kySub(j)}.: entered value of \`operator\` is invalid. valid values: [${[...CONDITION_OPERATORS].sort().map((x) => JSON.stringify(x)).join(' ')}]`);
      }
    });
  }
}

function requestOperationValues(cond: JsonObject): { path: string; message: string } | undefined {
  if (typeof cond.key !== 'string' || cond.key.replace(/ /g, '') !== '{{request.operation}}') return undefined;
  const allowed = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];
  const bad = (v: string): string => `unknown value '${v}' found under the 'value' field. Only the following values are allowed: [CREATE, UPDATE, DELETE, CONNECT]`;
  const v = cond.value;
  if (typeof v === 'string') {
    if (v.length >= 4 && v.startsWith('{{') && v.endsWith('}}')) return undefined;
    return allowed.includes(v) ? undefined : { path: `value: ${v}`, message: bad(v) };
  }
  if (Array.isArray(v)) {
    for (let k = 0; k < v.length; k++) {
      const item = v[k];
      if (typeof item === 'string' && !allowed.includes(item)) return { path: `value[${k}]`, message: bad(item) };
    }
    return undefined;
  }
  const goKind = typeof v === 'number' ? (Number.isInteger(v) ? 'int64' : 'float64') : typeof v === 'boolean' ? 'bool' : 'map';
  return { path: 'value', message: `'value' field found to be of the type ${goKind}. The provided value/values are expected to be either in the form of a string or list` };
}

function checkForeachConditions(r: Reporter, foreach: Json[], path: Path, kyPrefix: string): void {
  foreach.forEach((fe, k) => {
    const f = obj(fe);
    if (f === undefined) return;
    if (isSet(f.preconditions)) checkConditions(r, f.preconditions, [...path, k, 'preconditions'], `${kyPrefix}.conditions`, false);
    const deny = obj(f.deny);
    if (deny !== undefined && isSet(deny.conditions)) checkConditions(r, deny.conditions, [...path, k, 'deny', 'conditions'], `${kyPrefix}.deny.conditions`, false);
    if (Array.isArray(f.foreach)) checkForeachConditions(r, f.foreach, [...path, k, 'foreach'], kyPrefix);
  });
}

function checkContext(r: Reporter, rule: JsonObject, i: number): void {
  const context = arr(rule.context);
  for (let k = 0; k < context.length; k++) {
    const entry = obj(context[k]) ?? {};
    const at: Path = ['spec', 'rules', i, 'context', k];
    const fail = (message: string, sub: string[] = []): void => r.add([...at, ...sub], 'kyverno-context', `path: spec.rules[${i}]: ${message}`);
    const name = str(entry.name) ?? '';
    if (name === '') return fail('a name is required for context entries');
    const conflict = PREDEFINED_VARIABLES.find((v) => name === v || name.startsWith(`${v}.`));
    if (conflict !== undefined) return fail(`entry name ${name} is invalid as it conflicts with a pre-defined variable ${conflict}`, ['name']);
    const kinds = ['configMap', 'apiCall', 'globalReference', 'imageRegistry', 'variable'].filter((x) => isSet(entry[x]));
    if (kinds.length !== 1) continue; // the CRD's oneOf reports this
    const body = obj(entry[kinds[0]]) ?? {};
    // JMESPath expressions are parsed unless they contain variables (Kyverno cannot know their value).
    const jmesPath = str(body.jmesPath) ?? '';
    if (jmesPath !== '' && !/\{\{/.test(jmesPath)) {
      const parseError = jmesPathError(jmesPath);
      if (parseError !== undefined) return fail(`failed to parse JMESPath ${jmesPath}: ${parseError}`, [kinds[0], 'jmesPath']);
    }
    switch (kinds[0]) {
      case 'configMap':
        if (!str(body.name)) return fail('a name is required for configMap context entry', ['configMap']);
        if (!str(body.namespace)) return fail('a namespace is required for configMap context entry', ['configMap']);
        break;
      case 'apiCall':
        if (str(body.urlPath) && isSet(body.service)) return fail('a URLPath cannot be used for service API calls', ['apiCall']);
        break;
      case 'imageRegistry': {
        const ref = str(body.reference) ?? '';
        if (ref === '') return fail('a ref is required for imageRegistry context entry', ['imageRegistry']);
        if (!/\{\{/.test(ref)) {
          const parsed = parseImageReference(ref);
          if ('error' in parsed) return fail(`bad image: ${ref}: ${parsed.error}`, ['imageRegistry', 'reference']);
        }
        break;
      }
      case 'variable': {
        const jmesPath = str(body.jmesPath) ?? '';
        if (!isSet(body.value) && jmesPath === '') return fail('a variable must define a value or a jmesPath expression', ['variable']);
        if (isSet(body.default) && jmesPath === '') return fail('a variable must define a default value only when a jmesPath expression is defined', ['variable']);
        break;
      }
    }
  }
}

function checkKindsPresent(r: Reporter, rule: JsonObject, i: number): void {
  const match = obj(rule.match) ?? {};
  const filters = arr(match.any).length > 0 ? arr(match.any).map((f, j) => ({ f: obj(f), path: ['any', j] as Path }))
    : arr(match.all).length > 0 ? arr(match.all).map((f, j) => ({ f: obj(f), path: ['all', j] as Path }))
      : [{ f: match, path: [] as Path }];
  for (const { f, path } of filters) {
    if (arr(obj(f?.resources)?.kinds).length === 0) {
      r.add(['spec', 'rules', i, 'match', ...path], 'kyverno-no-kinds', onlyMetadata(rule)
        ? 'at least one element must be specified in a kind block, the kind attribute is mandatory when working with the resources element'
        : METADATA_ONLY);
      return;
    }
  }
}

function validateElements(v: JsonObject): string[] {
  const present: string[] = [];
  for (const key of ['pattern', 'anyPattern', 'deny', 'foreach', 'podSecurity', 'cel']) if (isSet(v[key])) present.push(key);
  if (arr(obj(v.manifests)?.attestors).length > 0) present.push('manifests');
  if (isSet(obj(v.assert)?.value) || (isObject(v.assert) && Object.keys(v.assert).length > 0)) present.push('assert');
  return present;
}

function checkValidateRule(r: Reporter, doc: ParsedDocument, rule: JsonObject, validate: JsonObject, i: number): void {
  const base: Path = ['spec', 'rules', i, 'validate'];
  const prefix = `path: spec.rules[${i}].validate.`;
  const elements = validateElements(validate);
  if (elements.length === 0) {
    r.add(base, 'kyverno-validate-none', `${prefix}.: one of pattern, anyPattern, deny, foreach, cel must be specified`);
    return;
  }
  // Kyverno stops here; the editor goes on to check each element too.
  if (elements.length > 1) r.add([...base, elements[1]], 'kyverno-validate-several', `${prefix}.: only one of pattern, anyPattern, deny, foreach, cel can be specified`);
  const patternNode = at(doc.contents, [...base, 'pattern']);
  if (patternNode !== null) checkPatternAnchors(r, patternNode, '/', (p) => `${prefix}pattern.${p}.: `);
  if (isSet(validate.anyPattern)) {
    const anyNode = at(doc.contents, [...base, 'anyPattern']);
    const seq = asSeq(anyNode);
    if (seq === null) {
      const got = isObject(validate.anyPattern) ? 'object' : typeof validate.anyPattern;
      r.add([...base, 'anyPattern'], 'kyverno-anypattern-array', `${prefix}anyPattern.: failed to deserialize anyPattern, expect array: json: cannot unmarshal ${got} into Go value of type []interface {}`);
    } else {
      seq.items.forEach((item, k) => checkPatternAnchors(r, item, '/', (p) => `${prefix}anyPattern[${k}].${p}.: `));
    }
  }
  arr(validate.foreach).forEach((fe, k) => checkForeach(r, doc, obj(fe) ?? {}, [...base, 'foreach', k], prefix));
  if (isSet(rule.celPreconditions) && !isSet(validate.cel)) {
    r.add(['spec', 'rules', i, 'celPreconditions'], 'kyverno-cel-preconditions', `${prefix}.: celPrecondition can only be used with validate.cel`);
  }
  const cel = obj(validate.cel);
  if (cel !== undefined) {
    arr(cel.expressions).forEach((e, k) => {
      if (!str(obj(e)?.expression)) r.add([...base, 'cel', 'expressions', k], 'kyverno-cel-expression', `${prefix}.: cel.expressions.expression is required`);
    });
  }
}

function checkForeach(r: Reporter, doc: ParsedDocument, fe: JsonObject, path: Path, prefix: string): void {
  if (!str(fe.list)) {
    r.add(path, 'kyverno-foreach-list', `${prefix}.: foreach.list is required`);
    return;
  }
  const count = ['pattern', 'anyPattern', 'deny'].filter((k) => isSet(fe[k])).length + (arr(fe.foreach).length > 0 ? 1 : 0);
  if (count === 0) r.add(path, 'kyverno-foreach-none', `${prefix}.: one of pattern, anyPattern, deny, or a nested foreach must be specified`);
  else if (count > 1) r.add(path, 'kyverno-foreach-several', `${prefix}.: only one of pattern, anyPattern, deny, or a nested foreach can be specified`);
  void doc;
}

/** common.ValidatePattern: only (), ^(), =(), X() and <() anchors; ^() needs a non-empty list. */
function checkPatternAnchors(r: Reporter, node: YNode | null, path: string, message: (kyPath: string) => string, depth = 0): void {
  const n = deref(node);
  if (n === null || depth > 100) return;
  if (n.kind === 'map') {
    for (const e of entries(n)) {
      if (e.merged) continue;
      const childPath = `${path}/${e.key}`;
      const range = { start: e.keyNode.start, end: e.keyNode.end };
      const anchor = parseAnchor(e.key);
      if (anchor !== undefined) {
        if (anchor.modifier === '+') {
          r.add(range, 'kyverno-unsupported-anchor', `${message(childPath)}unsupported anchor ${e.key}`);
          continue;
        }
        if (anchor.modifier === '^') {
          const value = deref(e.value);
          if (value === null || value.kind !== 'seq') {
            r.add(range, 'kyverno-existence-anchor', `${message(childPath)}existence anchor should have value of type list`);
            continue;
          }
          if (value.items.length === 0) {
            r.add(range, 'kyverno-existence-anchor', `${message(childPath)}existence anchor: should have at least one value`);
            continue;
          }
        }
      }
      checkPatternAnchors(r, e.value, childPath, message, depth + 1);
    }
  } else if (n.kind === 'seq') {
    n.items.forEach((item, k) => checkPatternAnchors(r, item, `${path}${k}/`, message, depth + 1));
  }
}

function labelsAndAnnotationsAreStrings(validate: JsonObject): boolean {
  const stringMap = (m: Json | undefined): boolean => !isObject(m) || Object.values(m).every((v) => typeof v === 'string');
  const checkMeta = (meta: Json | undefined): boolean => !isObject(meta) || (stringMap(meta.labels) && stringMap(meta.annotations));
  const checkPattern = (pattern: Json | undefined): boolean => {
    const p = obj(pattern);
    if (p === undefined) return true;
    if ('metadata' in p && !checkMeta(p.metadata)) return false;
    if ('spec' in p && !checkMeta(obj(obj(obj(p.spec)?.template)?.metadata))) return false;
    return true;
  };
  const foreach = arr(validate.foreach);
  if (isSet(validate.foreach)) return foreach.every((f) => checkPattern(obj(f)?.pattern));
  if (isObject(validate.pattern)) return checkPattern(validate.pattern);
  return arr(validate.anyPattern).every(checkPattern);
}

function ruleWarnings(r: Reporter, rule: JsonObject, i: number, policy: JsonObject): void {
  const kinds = filtersOf(obj(rule.match)).flatMap(({ rd }) => arr(rd?.kinds)).filter((k): k is string => typeof k === 'string');
  const bareKinds = new Set(kinds.map((k) => k.split('/').pop()?.split('.')[0] ?? k));
  if (bareKinds.size === 1 && bareKinds.has('Pod') && autogenExcludesControllers(policy)) {
    r.add(['metadata', 'annotations', AUTOGEN_ANNOTATION], 'kyverno-autogen-exclusion',
      'Policies that match Pods apply to all Pods including those created and managed by controllers excluded from autogen. Use preconditions to exclude the Pods managed by controllers which are excluded from autogen. Refer to https://kyverno.io/docs/writing-policies/autogen/ for details.',
      'warning');
  }
  const validate = obj(rule.validate);
  if (validate !== undefined) {
    const allKinds = [...kinds, ...filtersOf(obj(rule.exclude)).flatMap(({ rd }) => arr(rd?.kinds)).filter((k): k is string => typeof k === 'string')];
    const deny = obj(validate.deny);
    const json = JSON.stringify(deny ? { ...validate, deny: { ...deny, conditions: undefined } } : validate);
    if (json.includes('replicas') && !allKinds.some((k) => k.toLowerCase().includes('scale'))) {
      r.add(['spec', 'rules', i, 'validate'], 'kyverno-scale-subresource', 'You are matching on replicas but not including the scale subresource in the policy.', 'warning');
    }
    if ((json.includes('.status') || json.includes('"status":')) && !allKinds.some((k) => k.toLowerCase().includes('status'))) {
      r.add(['spec', 'rules', i, 'validate'], 'kyverno-status-subresource', 'You are matching on status but not including the status subresource in the policy.', 'warning');
    }
  }
  const deprecated = (conditions: Json | undefined, path: Path): void => {
    if (!isSet(conditions)) return;
    for (const { list, sub } of conditionList(conditions as Json)) {
      list.forEach((c, j) => {
        const op = str(obj(c)?.operator);
        if (op !== undefined && DEPRECATED_OPERATORS[op]) {
          r.add([...path, ...sub(j), 'operator'], 'kyverno-deprecated-operator',
            `Operator ${op} has been deprecated and will be removed soon. Use these instead: [${DEPRECATED_OPERATORS[op].map((x) => JSON.stringify(x)).join(' ')}]`, 'warning');
        }
      });
    }
  };
  deprecated(obj(validate?.deny)?.conditions, ['spec', 'rules', i, 'validate', 'deny', 'conditions']);
  deprecated(rule.preconditions, ['spec', 'rules', i, 'preconditions']);
  const walkForeach = (list: Json[], path: Path): void => list.forEach((fe, k) => {
    const f = obj(fe);
    if (f === undefined) return;
    deprecated(f.preconditions, [...path, k, 'preconditions']);
    deprecated(obj(f.deny)?.conditions, [...path, k, 'deny', 'conditions']);
    walkForeach(arr(f.foreach), [...path, k, 'foreach']);
  });
  walkForeach(arr(validate?.foreach), ['spec', 'rules', i, 'validate', 'foreach']);
}

/** podControllerAutoGenExclusion: the annotation names some controllers, but not the usual five. */
function autogenExcludesControllers(policy: JsonObject): boolean {
  const value = obj(obj(policy.metadata)?.annotations)?.[AUTOGEN_ANNOTATION];
  if (typeof value !== 'string' || value === 'none' || value === 'all') return false;
  const kinds = value.toLowerCase().split(',').sort();
  return kinds.join(',') !== 'cronjob,daemonset,deployment,job,statefulset';
}

function jmesPathError(expression: string): string | undefined {
  try {
    compileExpression(expression);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
