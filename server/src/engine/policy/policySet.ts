// The facade other layers use: an immutable, precompiled set of policies and exceptions, and the
// evaluation of one parsed YAML document against it.

import type { ParsedDocument, YamlFile } from '../yaml/model';
import { policyKinds, rulesForKind, type CompiledException, type CompiledPolicy } from './compiled';
import { evaluatePolicy, type EvaluateOptions } from './evaluate';
import { isPolicyDocument, loadDocuments } from './load';
import { listItemViews, resourceView, topLevelScalar, type ResourceView } from './resource';
import type { LoadedException, LoadedPolicy, PolicyLoadError, RuleResult } from './types';
import { loadCelPolicies } from '../cel/load';
import { evaluateCelDocument } from '../cel/evaluate';
import type { CelLoadNotice, CelPolicy } from '../cel/model';

const CONTROLLERS = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob'];

export class PolicySet {
  readonly errors: readonly PolicyLoadError[];
  readonly policies: readonly LoadedPolicy[];
  readonly exceptions: readonly LoadedException[];
  /** policies.kyverno.io ValidatingPolicies and Kubernetes ValidatingAdmissionPolicies (with bindings), in CEL. */
  readonly celPolicies: readonly CelPolicy[];
  /** Not errors, but worth telling: a ValidatingAdmissionPolicy without a binding does nothing, and so on. */
  readonly notices: readonly CelLoadNotice[];
  /** @internal */
  readonly compiled: readonly CompiledPolicy[];
  /** @internal */
  readonly compiledExceptions: readonly CompiledException[];
  /** Kind names some rule may match; undefined when some rule matches any kind. */
  private readonly kinds: ReadonlySet<string> | undefined;

  private constructor(compiled: CompiledPolicy[], exceptions: CompiledException[], errors: PolicyLoadError[], cel: { policies: CelPolicy[]; notices: CelLoadNotice[] } = { policies: [], notices: [] }) {
    this.compiled = compiled;
    this.celPolicies = cel.policies;
    this.notices = cel.notices;
    this.compiledExceptions = exceptions;
    this.errors = errors;
    this.policies = compiled.map((p) => p.loaded);
    this.exceptions = exceptions.map((e) => e.loaded);
    const kinds = new Set<string>();
    let any = false;
    for (const p of compiled) {
      for (const k of policyKinds(p, CONTROLLERS)) {
        if (k === '*') any = true;
        else kinds.add(k);
      }
    }
    this.kinds = any ? undefined : kinds;
  }

  static fromDocuments(docs: readonly { file: string; yaml: YamlFile }[]): PolicySet {
    const loaded = loadDocuments(docs);
    // Generate the autogen rules of every controller kind now, so no keystroke pays for it later. A policy whose
    // compilation fails unexpectedly is left out with an error; it must not take the other policies with it.
    const usable: CompiledPolicy[] = [];
    for (const p of loaded.policies) {
      try {
        for (const kind of policyKinds(p, CONTROLLERS)) if (kind !== '*') rulesForKind(p, kind);
        usable.push(p);
      } catch (err) {
        loaded.errors.push({ file: p.loaded.file, offset: p.loaded.offset, message: `${p.loaded.kind} ${p.loaded.key} not loaded: internal error while compiling it: ${errorText(err)}` });
      }
    }
    const cel = loadCelPolicies(docs);
    return new PolicySet(usable, loaded.exceptions, [...loaded.errors, ...cel.errors], cel);
  }

  static readonly empty: PolicySet = new PolicySet([], [], []);

  /** Cheap test on the kind name alone: false means no rule can match a resource of this kind. */
  mayMatchKind(kind: string): boolean {
    return this.compiled.length > 0 && (this.kinds === undefined || this.kinds.has(kind));
  }
}

/**
 * One RuleResult per (policy, evaluated rule, resource) for every rule that matched, passes included;
 * [] for documents no rule applies to (those cost one look at the `kind` key). Offsets are relative to
 * the document.
 */
export function evaluateParsedDocument(set: PolicySet, doc: ParsedDocument, options: EvaluateOptions = {}, documentIndex = 0): RuleResult[] {
  const kyverno = evaluateKyvernoPolicies(set, doc, options, documentIndex);
  if (set.celPolicies.length === 0) return kyverno;
  return [...kyverno, ...evaluateCelDocument(set.celPolicies, doc, { namespaceLabels: options.namespaceLabels }, documentIndex)];
}

function evaluateKyvernoPolicies(set: PolicySet, doc: ParsedDocument, options: EvaluateOptions, documentIndex: number): RuleResult[] {
  if (set.compiled.length === 0 || doc.contents === null) return [];
  const kind = topLevelScalar(doc.contents, 'kind');
  if (kind === undefined || typeof kind.value !== 'string') return [];
  if (!set.mayMatchKind(kind.value)) {
    if (!kind.value.endsWith('List')) return [];
    const items = listItemViews(doc);
    if (items === undefined) return [];
    return items.flatMap((res) => (set.mayMatchKind(res.kind) ? evaluateResource(set, res, options, documentIndex) : []));
  }
  const res = resourceView(doc);
  return res === undefined ? [] : evaluateResource(set, res, options, documentIndex);
}

function evaluateResource(set: PolicySet, res: ResourceView, options: EvaluateOptions, documentIndex: number): RuleResult[] {
  if (isPolicyDocument(res.source)) return [];
  const results: RuleResult[] = [];
  for (const policy of set.compiled) {
    try {
      for (const r of evaluatePolicy(policy, res, documentIndex, options, set.compiledExceptions)) results.push(r);
    } catch (err) {
      // Each rule is already guarded; this catches what fails around the rules (matching, autogen for a new kind),
      // so that one policy's fault stays that policy's error result and every other policy still judges.
      results.push(policyError(policy, res, documentIndex, `internal error while evaluating policy ${policy.loaded.key}: ${errorText(err)}`));
    }
  }
  return results;
}

function policyError(policy: CompiledPolicy, res: ResourceView, documentIndex: number, message: string): RuleResult {
  const action = policy.validationFailureAction === 'Enforce' || policy.validationFailureAction === 'enforce' ? 'Enforce' : 'Audit';
  return {
    policy: policy.loaded.key,
    rule: '',
    resource: { apiVersion: res.apiVersion, kind: res.kind, namespace: res.namespace, name: res.name, documentIndex, kindStart: res.kindStart, kindEnd: res.kindEnd },
    status: 'error',
    action,
    message,
    violations: [{ path: '', start: res.kindStart, end: res.kindEnd }],
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
