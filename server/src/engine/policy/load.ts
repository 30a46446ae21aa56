// Loading Kyverno ClusterPolicy/Policy and PolicyException documents from parsed YAML files.
// Only what evaluation needs is checked here; a broken document yields a PolicyLoadError with an offset
// and never prevents the other documents from loading.

import { nodeAtPath, type YamlDocument, type YamlFile, type YNode } from '../yaml/model';
import { canAutoGen, type RawRule } from './autogen';
import { compileMatchBlock, type MatchBlock } from './match';
import { validateCelLoadErrors } from '../cel/load';
import { compileOverrides, compileRule, validateForm, type CompiledException, type CompiledPolicy, type ExceptionEntry } from './compiled';
import { deref } from './resource';
import { isRecord, scalarText, stringMap } from './selector';
import type { LoadedRule, PolicyLoadError, RuleForm, SourceRef } from './types';

const KYVERNO_API_VERSION = /^\s*apiVersion:\s*["']?(policies\.)?kyverno\.io\//m;
const POLICY_VERSIONS = new Set(['kyverno.io/v1', 'kyverno.io/v2beta1']);
const EXCEPTION_VERSIONS = new Set(['kyverno.io/v2', 'kyverno.io/v2beta1']);

/**
 * Any document of the Kyverno API groups (policies, exceptions, cleanup policies) or of the CEL policy
 * group `policies.kyverno.io` (ValidatingPolicy, ...): configuration for Kyverno, never a workload to judge.
 */
/** Decided on `apiVersion` and `kind` alone (engine/analysis asks it about a stand-in with only those). */
export function isPolicyDocument(value: unknown): boolean {
  if (!isRecord(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') return false;
  const group = value.apiVersion.includes('/') ? value.apiVersion.slice(0, value.apiVersion.indexOf('/')) : '';
  return group === 'kyverno.io' || group === 'policies.kyverno.io';
}

export interface LoadOutput {
  policies: CompiledPolicy[];
  exceptions: CompiledException[];
  errors: PolicyLoadError[];
}

/** Locates nodes of one document and turns their offsets into absolute file offsets. */
class DocumentLocator {
  constructor(readonly file: string, readonly doc: YamlDocument) {}

  get root(): YNode | null {
    return this.doc.parsed.contents;
  }

  /** Absolute offset of the node at `path`, or of its deepest existing ancestor. */
  offset(path: readonly (string | number)[]): number {
    for (let n = path.length; n >= 0; n--) {
      const key = n > 0 ? this.keyNode(path.slice(0, n)) : undefined;
      if (key !== undefined) return this.doc.start + key.start;
      const node = nodeAtPath(this.root, path.slice(0, n));
      if (node !== undefined) return this.doc.start + node.start;
    }
    return this.doc.start;
  }

  /** The key node of the mapping entry at `path` (its last segment must be a key). */
  keyNode(path: readonly (string | number)[]): YNode | undefined {
    const last = path[path.length - 1];
    if (typeof last !== 'string') return undefined;
    const parent = deref(nodeAtPath(this.root, path.slice(0, -1)) ?? null);
    if (parent === null || parent.kind !== 'map') return undefined;
    for (const pair of parent.items) {
      const k = deref(pair.key);
      if (k !== null && k.kind === 'scalar' && String(k.value) === last) return k;
    }
    return undefined;
  }

  source(path: readonly (string | number)[]): SourceRef | undefined {
    const key = this.keyNode(path);
    if (key === undefined) return undefined;
    return { file: this.file, start: this.doc.start + key.start, end: this.doc.start + key.end };
  }

  error(path: readonly (string | number)[], message: string): PolicyLoadError {
    return { file: this.file, offset: this.offset(path), message };
  }
}

export function loadDocuments(docs: readonly { file: string; yaml: YamlFile }[]): LoadOutput {
  const out: LoadOutput = { policies: [], exceptions: [], errors: [] };
  for (const { file, yaml } of docs) {
    for (const doc of yaml.documents) {
      try {
        loadDocument(file, doc, out);
      } catch (err) {
        // One document's unexpected failure is its own load error; the other documents still load.
        out.errors.push({ file, offset: doc.start, message: `Kyverno document not loaded: internal error: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
  }
  return out;
}

function loadDocument(file: string, doc: YamlDocument, out: LoadOutput): void {
  if (doc.parsed.errors.length > 0) {
    // A broken document may not even have a value; its text still tells whether it was meant for Kyverno.
    if (KYVERNO_API_VERSION.test(doc.parsed.text)) {
      const e = doc.parsed.errors[0];
      out.errors.push({ file, offset: doc.start + e.offset, message: `Kyverno document not loaded: YAML syntax error: ${e.message}` });
    }
    return;
  }
  if (doc.parsed.contents === null) return;
  const value = doc.parsed.toJS();
  if (!isPolicyDocument(value) || !isRecord(value)) return;
  const at = new DocumentLocator(file, doc);
  const apiVersion = value.apiVersion as string;
  const kind = value.kind as string;
  if (kind === 'ClusterPolicy' || kind === 'Policy') {
    if (!POLICY_VERSIONS.has(apiVersion)) {
      out.errors.push(at.error(['apiVersion'], `${kind} apiVersion ${apiVersion} is not served by Kyverno; use kyverno.io/v1`));
      return;
    }
    const policy = loadPolicy(value, at, out.errors);
    if (policy === undefined) return;
    const first = out.policies.find((p) => p.loaded.kind === policy.loaded.kind && p.loaded.key === policy.loaded.key);
    if (first !== undefined) {
      // The cluster holds one object per name; evaluating both copies would report every finding twice.
      out.errors.push(at.error(['metadata', 'name'], `${kind} ${policy.loaded.key} is also defined in ${first.loaded.file}; only that first definition is used`));
      return;
    }
    out.policies.push(policy);
  } else if (kind === 'PolicyException') {
    if (!EXCEPTION_VERSIONS.has(apiVersion)) {
      out.errors.push(at.error(['apiVersion'], `PolicyException apiVersion ${apiVersion} is not served by Kyverno; use kyverno.io/v2`));
      return;
    }
    const exception = loadException(value, at, out.errors);
    if (exception !== undefined) out.exceptions.push(exception);
  }
}

function metadataOf(value: Record<string, unknown>): Record<string, unknown> {
  return isRecord(value.metadata) ? value.metadata : {};
}

function loadPolicy(value: Record<string, unknown>, at: DocumentLocator, errors: PolicyLoadError[]): CompiledPolicy | undefined {
  const kind = value.kind as 'ClusterPolicy' | 'Policy';
  const metadata = metadataOf(value);
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  if (name === '') {
    errors.push(at.error(['metadata', 'name'], `${kind} has no metadata.name`));
    return undefined;
  }
  // kubectl puts a Policy written without a namespace into the current namespace, normally `default`.
  const namespace = kind === 'Policy' ? (typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default') : '';
  const spec = value.spec;
  if (!isRecord(spec)) {
    errors.push(at.error(['spec'], `${kind} ${name}: spec must be a mapping`));
    return undefined;
  }
  if (!Array.isArray(spec.rules) || spec.rules.length === 0) {
    errors.push(at.error(['spec', 'rules'], `${kind} ${name}: spec.rules must list at least one rule`));
    return undefined;
  }
  const rawRules: RawRule[] = [];
  const loadedRules: LoadedRule[] = [];
  const sources: (SourceRef | undefined)[] = [];
  let broken = false;
  spec.rules.forEach((rule, i) => {
    const path = ['spec', 'rules', i];
    if (!isRecord(rule)) {
      errors.push(at.error(path, `${kind} ${name}: spec.rules[${i}] must be a mapping`));
      broken = true;
      return;
    }
    const problem = ruleProblem(rule, i);
    if (problem !== undefined) {
      errors.push(at.error([...path, ...problem.path], `${kind} ${name}: ${problem.message}`));
      broken = true;
      return;
    }
    const validate = isRecord(rule.validate) ? rule.validate : undefined;
    const form: RuleForm | undefined = validate !== undefined ? validateForm(validate) : undefined;
    if (form === 'cel') {
      const celErrors = validateCelLoadErrors(at.file, at.doc, path, rule, `${kind} ${name}`);
      if (celErrors.length > 0) {
        errors.push(...celErrors);
        broken = true;
        return;
      }
    }
    const source = form !== undefined ? at.source([...path, 'validate', form]) : undefined;
    rawRules.push(rule);
    sources.push(source);
    loadedRules.push({ name: rule.name as string, form, unsupported: unsupportedReason(rule, form), source });
  });
  // Kyverno refuses an invalid policy as a whole (`kyverno test` reports it as "Invalid Policy").
  if (broken) return undefined;
  const annotations = stringMap(metadata.annotations);
  const key = kind === 'Policy' ? `${namespace}/${name}` : name;
  return {
    loaded: { kind, apiVersion: value.apiVersion as string, name, namespace, key, file: at.file, offset: at.doc.start, rules: loadedRules },
    namespaced: kind === 'Policy',
    annotations,
    validationFailureAction: typeof spec.validationFailureAction === 'string' ? spec.validationFailureAction : 'Audit',
    failureActionOverrides: compileOverrides(spec.validationFailureActionOverrides),
    applyOne: spec.applyRules === 'One',
    rawRules,
    baseRules: rawRules.map((r, i) => compileRule(r, sources[i])),
    sources,
    autogenAllowed: canAutoGen(rawRules),
    byKind: new Map(),
  };
}

function ruleProblem(rule: Record<string, unknown>, i: number): { path: (string | number)[]; message: string } | undefined {
  if (typeof rule.name !== 'string' || rule.name === '') return { path: ['name'], message: `spec.rules[${i}] has no name` };
  const name = rule.name;
  if (!isRecord(rule.match)) return { path: ['match'], message: `rule ${name}: match is required` };
  const m = rule.match;
  if ((m.any !== undefined && m.all !== undefined)) return { path: ['match'], message: `rule ${name}: can't specify any and all together` };
  if (isRecord(rule.validate)) {
    const v = rule.validate;
    const forms = ['pattern', 'anyPattern', 'deny', 'foreach', 'cel', 'podSecurity', 'manifests', 'assert'].filter((k) => v[k] !== undefined && v[k] !== null);
    if (forms.length > 1) return { path: ['validate'], message: `rule ${name}: only one of pattern, anyPattern, deny, foreach, cel can be specified` };
    if (v.anyPattern !== undefined && v.anyPattern !== null && !Array.isArray(v.anyPattern)) {
      return { path: ['validate', 'anyPattern'], message: `rule ${name}: failed to deserialize anyPattern, expect array` };
    }
    if (v.foreach !== undefined && v.foreach !== null) {
      const problem = foreachProblem(v.foreach, ['validate', 'foreach']);
      if (problem !== undefined) return { path: problem.path, message: `rule ${name}: ${problem.message}` };
    }
  }
  return undefined;
}

function foreachProblem(raw: unknown, path: (string | number)[]): { path: (string | number)[]; message: string } | undefined {
  if (!Array.isArray(raw)) return { path, message: 'foreach must be a list' };
  for (let j = 0; j < raw.length; j++) {
    const f: unknown = raw[j];
    if (!isRecord(f)) return { path: [...path, j], message: 'foreach entries must be mappings' };
    if (typeof f.list !== 'string' || f.list.trim() === '') return { path: [...path, j], message: 'foreach.list is required' };
    if (f.foreach !== undefined && f.foreach !== null) {
      const nested = foreachProblem(f.foreach, [...path, j, 'foreach']);
      if (nested !== undefined) return nested;
    }
  }
  return undefined;
}

function unsupportedReason(rule: Record<string, unknown>, form: RuleForm | undefined): string | undefined {
  if (form !== undefined) return undefined;
  const v = isRecord(rule.validate) ? rule.validate : undefined;
  if (v !== undefined) {
    for (const k of ['podSecurity', 'manifests', 'assert']) if (v[k] !== undefined && v[k] !== null) return `validate.${k} is not evaluated`;
    return 'validate has none of pattern, anyPattern, deny, foreach';
  }
  for (const k of ['mutate', 'generate', 'verifyImages']) if (rule[k] !== undefined && rule[k] !== null) return `${k} rules are not evaluated`;
  return 'the rule has no validate block';
}

function loadException(value: Record<string, unknown>, at: DocumentLocator, errors: PolicyLoadError[]): CompiledException | undefined {
  const metadata = metadataOf(value);
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  if (name === '') {
    errors.push(at.error(['metadata', 'name'], 'PolicyException has no metadata.name'));
    return undefined;
  }
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
  const spec = value.spec;
  if (!isRecord(spec)) {
    errors.push(at.error(['spec'], `PolicyException ${name}: spec must be a mapping`));
    return undefined;
  }
  if (!Array.isArray(spec.exceptions) || spec.exceptions.length === 0) {
    errors.push(at.error(['spec', 'exceptions'], `PolicyException ${name}: spec.exceptions must list at least one policy`));
    return undefined;
  }
  const entries: ExceptionEntry[] = [];
  for (let i = 0; i < spec.exceptions.length; i++) {
    const e: unknown = spec.exceptions[i];
    if (!isRecord(e) || typeof e.policyName !== 'string' || !Array.isArray(e.ruleNames)) {
      errors.push(at.error(['spec', 'exceptions', i], `PolicyException ${name}: spec.exceptions[${i}] needs policyName and ruleNames`));
      return undefined;
    }
    entries.push({ policyName: e.policyName, ruleNames: e.ruleNames.map(scalarText) });
  }
  if (!isRecord(spec.match)) {
    errors.push(at.error(['spec', 'match'], `PolicyException ${name}: spec.match is required`));
    return undefined;
  }
  const match: MatchBlock = compileMatchBlock(spec.match);
  return {
    loaded: { name, namespace, key: `${namespace}/${name}`, file: at.file, offset: at.doc.start },
    entries,
    match,
    conditions: spec.conditions ?? undefined,
    usesImages: JSON.stringify(spec.conditions ?? null).includes('images'),
  };
}
