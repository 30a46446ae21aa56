// Loading CEL policies from parsed YAML files: ValidatingPolicy and NamespacedValidatingPolicy
// (policies.kyverno.io v1alpha1, v1beta1, v1), their PolicyExceptions (policies.kyverno.io), and
// ValidatingAdmissionPolicy paired with its ValidatingAdmissionPolicyBinding (admissionregistration.k8s.io).
// Every expression is compiled here, once; a compile error is reported at the expression's position in
// the policy file and the policy is not loaded (Kyverno and the API server refuse it too).

import { nodeAtPath, type YamlDocument, type YamlFile, type YNode, type YScalar } from '../yaml/model';
import { deref } from '../policy/resource';
import { isRecord } from '../policy/selector';
import type { FailureAction, PolicyLoadError, SourceRef } from '../policy/types';
import { autogenSpecs } from './autogen';
import { compileCel, type CelProgram } from './interpreter';
import { compileMatchResources } from './matchConstraints';
import type {
  CelLoadNotice, CelPolicy, CelPolicyKind, CompiledBinding, CompiledCelException, CompiledSpec, CompiledValidation, NamedProgram, ValidationAction,
} from './model';

const CEL_POLICY_VERSIONS = new Set(['v1alpha1', 'v1beta1', 'v1']);
const VAP_VERSIONS = new Set(['v1', 'v1beta1', 'v1alpha1']);
const KYVERNO_POLICY_GROUP = 'policies.kyverno.io';
const ADMISSION_GROUP = 'admissionregistration.k8s.io';

const NOT_EVALUATED: Readonly<Record<string, string>> = {
  ImageValidatingPolicy: 'verifies image signatures and attestations in registries; not evaluated here',
  NamespacedImageValidatingPolicy: 'verifies image signatures and attestations in registries; not evaluated here',
  MutatingPolicy: 'mutates resources; not evaluated here',
  NamespacedMutatingPolicy: 'mutates resources; not evaluated here',
  GeneratingPolicy: 'generates resources; not evaluated here',
  NamespacedGeneratingPolicy: 'generates resources; not evaluated here',
  DeletingPolicy: 'deletes resources on a schedule; not evaluated here',
  NamespacedDeletingPolicy: 'deletes resources on a schedule; not evaluated here',
};

export interface CelLoadOutput {
  policies: CelPolicy[];
  errors: PolicyLoadError[];
  /** Not errors, but worth telling: a VAP without binding does nothing, unsupported CEL policy kinds... */
  notices: CelLoadNotice[];
}

type Path = (string | number)[];

/** Positions inside one YAML document, as absolute file offsets. */
class DocAt {
  constructor(readonly file: string, readonly doc: YamlDocument) {}

  private node(path: Path): YNode | null {
    return deref(nodeAtPath(this.doc.parsed.contents, path) ?? null);
  }

  private key(path: Path): YNode | undefined {
    const last = path[path.length - 1];
    if (typeof last !== 'string') return undefined;
    const parent = this.node(path.slice(0, -1));
    if (parent === null || parent.kind !== 'map') return undefined;
    for (const pair of parent.items) {
      const k = deref(pair.key);
      if (k !== null && k.kind === 'scalar' && String(k.value) === last) return k;
    }
    return undefined;
  }

  /** Absolute offset of the value at `path` (for an expression scalar: of character `inValue` of its value). */
  offset(path: Path, inValue = 0): number {
    for (let n = path.length; n >= 0; n--) {
      const node = this.node(path.slice(0, n));
      if (node !== null) {
        if (n === path.length && node.kind === 'scalar') return this.doc.start + valueOffset(this.doc.parsed.text, node, inValue);
        const key = n > 0 ? this.key(path.slice(0, n)) : undefined;
        return this.doc.start + (key?.start ?? node.start);
      }
    }
    return this.doc.start;
  }

  /** The scalar at `path` as a SourceRef (its text), or its key. */
  source(path: Path): SourceRef | undefined {
    const node = this.node(path);
    if (node !== null && node.kind === 'scalar') return { file: this.file, start: this.doc.start + node.valueStart, end: this.doc.start + node.valueEnd };
    const key = this.key(path);
    if (key === undefined) return undefined;
    return { file: this.file, start: this.doc.start + key.start, end: this.doc.start + key.end };
  }
}

/**
 * Where character `inValue` of a scalar's value is in the document text. The value of a folded,
 * literal or quoted scalar differs from its source (indentation, line folding, escapes), so the two
 * are walked side by side; equal characters advance both, source-only characters advance the source.
 */
export function valueOffset(text: string, node: YScalar, inValue: number): number {
  const value = typeof node.value === 'string' ? node.value : String(node.value);
  let i = 0;
  let j = node.valueStart;
  while (i < Math.min(inValue, value.length) && j < node.valueEnd) {
    const v = value[i];
    const s = text[j];
    if (v === s) { i++; j++; continue; }
    if (node.style === 'single' && s === "'" && text[j + 1] === "'") { i++; j += 2; continue; }
    if (node.style === 'double' && s === '\\') { i++; j += escapeLength(text, j); continue; }
    if ((v === ' ' || v === '\n') && (s === '\n' || s === '\r')) {
      i++;
      j++;
      while (j < node.valueEnd && (text[j] === ' ' || text[j] === '\t' || text[j] === '\n' || text[j] === '\r')) j++;
      continue;
    }
    j++;
  }
  return Math.min(j, node.valueEnd);
}

function escapeLength(text: string, at: number): number {
  const c = text[at + 1];
  if (c === 'x') return 4;
  if (c === 'u') return 6;
  if (c === 'U') return 10;
  return 2;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function groupVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Deny → Enforce; otherwise Audit. A policy that only warns is reported as Audit with a note. */
export function actionOf(actions: readonly ValidationAction[]): { action: FailureAction; note?: string } {
  if (actions.includes('Deny')) return { action: 'Enforce' };
  if (actions.includes('Warn') && !actions.includes('Audit')) {
    return { action: 'Audit', note: 'validationActions [Warn]: the request is admitted with a warning; shown as Audit' };
  }
  if (actions.includes('Warn')) return { action: 'Audit', note: 'validationActions [Warn, Audit]: the request is admitted with a warning and the failure is reported' };
  return { action: 'Audit' };
}

function validationActions(raw: unknown): ValidationAction[] {
  const out: ValidationAction[] = [];
  if (Array.isArray(raw)) for (const a of raw) if ((a === 'Deny' || a === 'Audit' || a === 'Warn') && !out.includes(a)) out.push(a);
  return out;
}

class Compiler {
  broken = false;
  constructor(private readonly at: DocAt, private readonly errors: PolicyLoadError[], private readonly label: string) {}

  /** Compiles the expression at `path` (its `expression` value); undefined and an error when it does not compile. */
  program(text: unknown, path: Path): CelProgram | undefined {
    if (typeof text !== 'string' || text.trim() === '') {
      this.errors.push({ file: this.at.file, offset: this.at.offset(path), message: `${this.label}: ${pathText(path)} must be a non-empty CEL expression` });
      this.broken = true;
      return undefined;
    }
    const compiled = compileCel(text);
    if ('error' in compiled) {
      this.errors.push({
        file: this.at.file,
        offset: this.at.offset(path, compiled.error.offset),
        message: `${this.label}: ${pathText(path)}: CEL compilation failed: ${compiled.error.message}`,
      });
      this.broken = true;
      return undefined;
    }
    return compiled.program;
  }

  named(raw: unknown, path: Path, what: string): NamedProgram[] {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) {
      this.errors.push({ file: this.at.file, offset: this.at.offset(path), message: `${this.label}: ${pathText(path)} must be a list` });
      this.broken = true;
      return [];
    }
    const out: NamedProgram[] = [];
    raw.forEach((item, i) => {
      const entry = isRecord(item) ? item : {};
      const name = str(entry.name) ?? '';
      if (name === '') {
        this.errors.push({ file: this.at.file, offset: this.at.offset([...path, i]), message: `${this.label}: ${pathText([...path, i])} needs a name (${what})` });
        this.broken = true;
        return;
      }
      const program = this.program(entry.expression, [...path, i, 'expression']);
      if (program !== undefined) out.push({ name, program });
    });
    return out;
  }
}

function pathText(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/**
 * Compiles one spec (the policy's own at `spec`, or a generated one whose strings were rewritten: its
 * compile errors are reported at the original expression, whose path is the same).
 */
function compileSpec(spec: Record<string, unknown>, autogen: CompiledSpec['autogen'], c: Compiler, at: DocAt): CompiledSpec {
  const validations: CompiledValidation[] = [];
  const raw = Array.isArray(spec.validations) ? spec.validations : [];
  raw.forEach((item, index) => {
    const v = isRecord(item) ? item : {};
    const base: Path = ['spec', 'validations', index];
    const program = c.program(v.expression, [...base, 'expression']);
    if (program === undefined) return;
    const compiled: CompiledValidation = { index, program, source: at.source([...base, 'expression']) };
    if (typeof v.message === 'string') compiled.message = v.message;
    if (v.messageExpression !== undefined && v.messageExpression !== null) {
      const m = c.program(v.messageExpression, [...base, 'messageExpression']);
      if (m !== undefined) compiled.messageExpression = m;
    }
    validations.push(compiled);
  });
  return {
    autogen,
    match: compileMatchResources(spec.matchConstraints),
    matchConditions: c.named(spec.matchConditions, ['spec', 'matchConditions'], 'matchConditions'),
    variables: c.named(spec.variables, ['spec', 'variables'], 'variables'),
    validations,
  };
}

interface Pending {
  policies: CelPolicy[];
  exceptions: CompiledCelException[];
  vaps: { policy: CelPolicy; at: DocAt }[];
  bindings: { policyName: string; binding: CompiledBinding; at: DocAt }[];
}

export function loadCelPolicies(docs: readonly { file: string; yaml: YamlFile }[]): CelLoadOutput {
  const out: CelLoadOutput = { policies: [], errors: [], notices: [] };
  const pending: Pending = { policies: [], exceptions: [], vaps: [], bindings: [] };
  for (const { file, yaml } of docs) {
    for (const doc of yaml.documents) {
      if (doc.parsed.errors.length > 0 || doc.parsed.contents === null) continue;
      const value = doc.parsed.toJS();
      if (!isRecord(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') continue;
      const { group, version } = groupVersion(value.apiVersion);
      const at = new DocAt(file, doc);
      if (group === KYVERNO_POLICY_GROUP) {
        if (!CEL_POLICY_VERSIONS.has(version)) continue;
        if (value.kind === 'ValidatingPolicy' || value.kind === 'NamespacedValidatingPolicy') {
          const p = loadValidatingPolicy(value, value.kind, at, out);
          if (p !== undefined) pending.policies.push(p);
        } else if (value.kind === 'PolicyException') {
          const e = loadException(value, at, out.errors);
          if (e !== undefined) pending.exceptions.push(e);
        } else if (NOT_EVALUATED[value.kind] !== undefined) {
          out.notices.push({ file, offset: at.offset(['kind']), message: `${value.kind} ${String(metadataOf(value).name ?? '')}: ${NOT_EVALUATED[value.kind]}` });
        }
      } else if (group === ADMISSION_GROUP && VAP_VERSIONS.has(version)) {
        if (value.kind === 'ValidatingAdmissionPolicy') {
          const p = loadVap(value, at, out);
          if (p !== undefined) pending.vaps.push({ policy: p, at });
        } else if (value.kind === 'ValidatingAdmissionPolicyBinding') {
          const b = loadBinding(value, at, out.errors);
          if (b !== undefined) pending.bindings.push({ ...b, at });
        }
      }
    }
  }
  for (const p of pending.policies) {
    p.exceptions = pending.exceptions.filter((e) => e.policyRefs.some((r) => r.name === p.name && r.kind === p.kind));
    out.policies.push(p);
  }
  for (const { policy, at } of pending.vaps) {
    policy.bindings = pending.bindings.filter((b) => b.policyName === policy.name).map((b) => b.binding);
    if (policy.bindings.length === 0) {
      out.notices.push({
        file: at.file, offset: at.offset(['metadata', 'name']),
        message: `ValidatingAdmissionPolicy ${policy.name} has no ValidatingAdmissionPolicyBinding here (spec.policyName: ${policy.name}); without one it validates nothing`,
      });
    }
    out.policies.push(policy);
  }
  for (const b of pending.bindings) {
    if (!pending.vaps.some((v) => v.policy.name === b.policyName)) {
      out.notices.push({ file: b.at.file, offset: b.at.offset(['spec', 'policyName']), message: `ValidatingAdmissionPolicyBinding ${b.binding.name}: no ValidatingAdmissionPolicy ${b.policyName} here` });
    }
  }
  return out;
}

function metadataOf(value: Record<string, unknown>): Record<string, unknown> {
  return isRecord(value.metadata) ? value.metadata : {};
}

function loadValidatingPolicy(value: Record<string, unknown>, kind: CelPolicyKind, at: DocAt, out: CelLoadOutput): CelPolicy | undefined {
  const metadata = metadataOf(value);
  const name = str(metadata.name) ?? '';
  if (name === '') {
    out.errors.push({ file: at.file, offset: at.offset(['metadata', 'name']), message: `${kind} has no metadata.name` });
    return undefined;
  }
  const namespaced = kind === 'NamespacedValidatingPolicy';
  const namespace = namespaced ? (str(metadata.namespace) ?? 'default') || 'default' : '';
  const spec = value.spec;
  if (!isRecord(spec)) {
    out.errors.push({ file: at.file, offset: at.offset(['spec']), message: `${kind} ${name}: spec must be a mapping` });
    return undefined;
  }
  const evaluation = isRecord(spec.evaluation) ? spec.evaluation : {};
  const mode = str(evaluation.mode) ?? 'Kubernetes';
  if (mode !== 'Kubernetes') {
    out.notices.push({ file: at.file, offset: at.offset(['spec', 'evaluation', 'mode']), message: `${kind} ${name}: evaluation mode ${mode} judges JSON payloads, not Kubernetes resources; not evaluated here` });
    return undefined;
  }
  const label = `${kind} ${name}`;
  const c = new Compiler(at, out.errors, label);
  const own = compileSpec(spec, '', c, at);
  if (c.broken) return undefined;
  const generated = autogenSpecs(spec);
  const specs: CompiledSpec[] = [own];
  for (const g of generated) specs.push(compileSpec(g.spec, g.config === 'cronjobs' ? 'autogen-cronjobs' : 'autogen', c, at));
  if (c.broken) return undefined;
  // Kyverno defaults an empty validationActions to Deny (ValidatingPolicySpec.ValidationActions()).
  const actions = validationActions(spec.validationActions);
  const effective: ValidationAction[] = actions.length > 0 ? actions : ['Deny'];
  let { action, note } = actionOf(effective);
  const admission = isRecord(evaluation.admission) ? evaluation.admission : {};
  if (admission.enabled === false) {
    // Not evaluated at admission: nothing is blocked; background scans report the failures.
    action = 'Audit';
    note = 'evaluation.admission.enabled is false: Kyverno does not check requests, background scans report failures';
  }
  const policy: CelPolicy = {
    kind, apiVersion: value.apiVersion as string, name, namespace, key: namespaced ? `${namespace}/${name}` : name,
    file: at.file, offset: at.doc.start, validationActions: effective, action,
    failurePolicy: spec.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
    specs, autogenKinds: generated.flatMap((g) => g.kinds).sort(), validationsSource: at.source(['spec', 'validations']),
    bindings: [], exceptions: [],
  };
  if (note !== undefined) policy.actionNote = note;
  return policy;
}

function loadVap(value: Record<string, unknown>, at: DocAt, out: CelLoadOutput): CelPolicy | undefined {
  const name = str(metadataOf(value).name) ?? '';
  if (name === '') {
    out.errors.push({ file: at.file, offset: at.offset(['metadata', 'name']), message: 'ValidatingAdmissionPolicy has no metadata.name' });
    return undefined;
  }
  const spec = value.spec;
  if (!isRecord(spec)) {
    out.errors.push({ file: at.file, offset: at.offset(['spec']), message: `ValidatingAdmissionPolicy ${name}: spec must be a mapping` });
    return undefined;
  }
  const c = new Compiler(at, out.errors, `ValidatingAdmissionPolicy ${name}`);
  const own = compileSpec(spec, '', c, at);
  if (c.broken) return undefined;
  const policy: CelPolicy = {
    kind: 'ValidatingAdmissionPolicy', apiVersion: value.apiVersion as string, name, namespace: '', key: name,
    file: at.file, offset: at.doc.start, validationActions: [], action: 'Audit',
    failurePolicy: spec.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
    specs: [own], autogenKinds: [], validationsSource: at.source(['spec', 'validations']), bindings: [], exceptions: [],
  };
  if (isRecord(spec.paramKind)) policy.paramKind = { apiVersion: str(spec.paramKind.apiVersion), kind: str(spec.paramKind.kind) };
  return policy;
}

function loadBinding(value: Record<string, unknown>, at: DocAt, errors: PolicyLoadError[]): { policyName: string; binding: CompiledBinding } | undefined {
  const name = str(metadataOf(value).name) ?? '';
  const spec = isRecord(value.spec) ? value.spec : {};
  const policyName = str(spec.policyName) ?? '';
  if (name === '' || policyName === '') {
    errors.push({ file: at.file, offset: at.offset(name === '' ? ['metadata', 'name'] : ['spec', 'policyName']), message: `ValidatingAdmissionPolicyBinding ${name}: metadata.name and spec.policyName are required` });
    return undefined;
  }
  const actions = validationActions(spec.validationActions);
  if (actions.length === 0) {
    errors.push({ file: at.file, offset: at.offset(['spec', 'validationActions']), message: `ValidatingAdmissionPolicyBinding ${name}: spec.validationActions must list Deny, Warn and/or Audit` });
    return undefined;
  }
  const { action, note } = actionOf(actions);
  const binding: CompiledBinding = { name, validationActions: actions, action };
  if (note !== undefined) binding.actionNote = note;
  if (isRecord(spec.matchResources)) binding.match = compileMatchResources(spec.matchResources);
  if (isRecord(spec.paramRef)) {
    binding.paramRef = { name: str(spec.paramRef.name), namespace: str(spec.paramRef.namespace), parameterNotFoundAction: str(spec.paramRef.parameterNotFoundAction) };
  }
  return { policyName, binding };
}

function loadException(value: Record<string, unknown>, at: DocAt, errors: PolicyLoadError[]): CompiledCelException | undefined {
  const metadata = metadataOf(value);
  const name = str(metadata.name) ?? '';
  const namespace = (str(metadata.namespace) ?? 'default') || 'default';
  const spec = isRecord(value.spec) ? value.spec : {};
  if (name === '' || !Array.isArray(spec.policyRefs)) {
    errors.push({ file: at.file, offset: at.offset(name === '' ? ['metadata', 'name'] : ['spec', 'policyRefs']), message: `PolicyException ${name}: metadata.name and spec.policyRefs are required` });
    return undefined;
  }
  if (typeof spec.expiresAt === 'string') {
    const expires = Date.parse(spec.expiresAt);
    if (!Number.isNaN(expires) && expires <= Date.now()) return undefined;
  }
  const c = new Compiler(at, errors, `PolicyException ${name}`);
  const matchConditions = c.named(spec.matchConditions, ['spec', 'matchConditions'], 'matchConditions');
  if (c.broken) return undefined;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    name, namespace, key: `${namespace}/${name}`,
    policyRefs: spec.policyRefs.filter(isRecord).map((r) => ({ name: str(r.name) ?? '', kind: str(r.kind) ?? '' })),
    matchConditions, images: strings(spec.images), allowedValues: strings(spec.allowedValues),
    reportResult: spec.reportResult === 'pass' ? 'pass' : 'skip', file: at.file,
  };
}

/** Compile errors of a ClusterPolicy rule's `validate.cel` and `celPreconditions`, at their positions. */
export function validateCelLoadErrors(file: string, doc: YamlDocument, rulePath: Path, rule: Record<string, unknown>, policyLabel: string): PolicyLoadError[] {
  const errors: PolicyLoadError[] = [];
  const at = new DocAt(file, doc);
  const c = new Compiler(at, errors, policyLabel);
  const validate = isRecord(rule.validate) ? rule.validate : {};
  const cel = isRecord(validate.cel) ? validate.cel : {};
  c.named(cel.variables, [...rulePath, 'validate', 'cel', 'variables'], 'variables');
  c.named(rule.celPreconditions, [...rulePath, 'celPreconditions'], 'celPreconditions');
  const expressions = Array.isArray(cel.expressions) ? cel.expressions : [];
  expressions.forEach((e, i) => {
    const entry = isRecord(e) ? e : {};
    const base = [...rulePath, 'validate', 'cel', 'expressions', i];
    c.program(entry.expression, [...base, 'expression']);
    if (entry.messageExpression !== undefined && entry.messageExpression !== null) c.program(entry.messageExpression, [...base, 'messageExpression']);
  });
  return errors;
}
