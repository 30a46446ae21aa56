// Kyverno's own expectations, replayed through engine/policy:
//  - every `kyverno test` file (kyverno-test.yaml) of the policy library and the kyverno CLI fixtures,
//    compared row by row with `kyverno test` semantics (§5.5);
//  - the chainsaw accept/reject steps of the library (policy patched to Enforce, bad-* applies rejected);
//  - the `kyverno apply` report summaries of the CLI fixtures.
// CEL policies (validate.cel, ValidatingPolicy) and rules that need a registry (imageRegistry context,
// verifyImages) are out of scope for now: they are listed as excluded with the reason, never counted.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseYamlFile, type YamlFile } from '../../server/src/engine/yaml/model';
import { PolicySet, evaluateParsedDocument, type AdmissionInfo, type CliValues, type EvaluateOptions, type RuleResult } from '../../server/src/engine/policy';
import { resourceView } from '../../server/src/engine/policy/resource';
import { kyvernoDataDir } from '../support/paths';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kyverno's test files are untyped YAML data
type Json = Record<string, any>;

const libraryDir = path.join(kyvernoDataDir, 'policies-library');
const fixturesDir = path.join(kyvernoDataDir, 'cli-fixtures');

function readYaml(file: string): YamlFile {
  return parseYamlFile(fs.readFileSync(file, 'utf8'));
}

function docsOf(file: string): Json[] {
  return readYaml(file).documents.filter((d) => d.parsed.contents !== null).map((d) => d.parsed.toJS() as Json).filter((v) => v !== null && typeof v === 'object');
}

// ---------------------------------------------------------------------------------------------
// Scope: which policies this engine evaluates today.

function contextEntries(node: Json | undefined): Json[] {
  if (node === undefined || node === null) return [];
  const own: Json[] = Array.isArray(node.context) ? node.context : [];
  const nested = Array.isArray(node.foreach) ? node.foreach.flatMap((f: Json) => contextEntries(f)) : [];
  return [...own, ...nested];
}

/** Why a policy document is out of scope, or undefined when it is evaluated. */
function outOfScope(doc: Json): string | undefined {
  const group = typeof doc.apiVersion === 'string' ? doc.apiVersion.split('/')[0] : '';
  // CEL policies that read image data from a registry (image.GetMetadata) cannot be judged offline.
  if (/GetMetadata|imagedata/i.test(JSON.stringify(doc))) return `${doc.kind} ${doc.metadata?.name}: reads image data from a registry`;
  // CEL that reads cluster objects needs the test's context file; celPolicies.test.ts runs those with it.
  if (group !== 'kyverno.io' && /namespaceObject|resource\.(Get|List)\(|globalContext/.test(JSON.stringify(doc))) return `${doc.kind} ${doc.metadata?.name}: reads cluster objects (covered with the test's context data in celPolicies.test.ts)`;
  if (group !== 'kyverno.io' || (doc.kind !== 'ClusterPolicy' && doc.kind !== 'Policy')) return undefined;
  for (const rule of doc.spec?.rules ?? []) {
    const v = rule.validate;
    if (v?.podSecurity !== undefined) return `rule ${rule.name}: validate.podSecurity is not evaluated`;
    if (rule.verifyImages !== undefined) return `rule ${rule.name}: verifyImages needs registry access`;
    const entries = [...contextEntries(rule), ...contextEntries(v)];
    if (entries.some((e) => e.imageRegistry !== undefined)) return `rule ${rule.name}: imageRegistry context entries need registry access`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// `kyverno test`.

interface TestRow { policy: string; rule?: string; kind: string; resources?: string[]; resource?: string; result: string; isValidatingPolicy?: boolean; isValidatingAdmissionPolicy?: boolean }

interface Resource { kind: string; name: string; namespace: string; results: RuleResult[] }

interface RowCheck { policy: string; rule: string; kind: string; resource: string; want: string; got: string; reason: string; ok: boolean }

interface CaseOutcome { checks: RowCheck[]; excluded: { row: string; reason: string }[] }

function valuesOf(file: string | undefined): { values?: CliValues; namespaceLabels?: Record<string, Record<string, string>> } {
  if (file === undefined) return {};
  const doc = docsOf(file)[0] ?? {};
  const namespaceLabels: Record<string, Record<string, string>> = {};
  for (const n of doc.namespaceSelector ?? []) namespaceLabels[n.name] = n.labels ?? {};
  for (const n of doc.namespaces ?? []) namespaceLabels[n.metadata?.name] = n.metadata?.labels ?? {};
  return { values: { globalValues: doc.globalValues, policies: doc.policies ?? [] }, namespaceLabels };
}

function userInfoOf(file: string | undefined): AdmissionInfo | undefined {
  if (file === undefined) return undefined;
  const doc = docsOf(file)[0] ?? {};
  return { roles: doc.roles ?? [], clusterRoles: doc.clusterRoles ?? [], username: doc.userInfo?.username, groups: doc.userInfo?.groups };
}

/** `ComputePolicyReportResult(auditWarn=false)`: fail stays fail unless the policy is not scored. */
function reportResult(r: RuleResult, unscored: ReadonlySet<string>): string {
  if (r.status === 'fail' && unscored.has(r.policy)) return 'warn';
  return r.status;
}

function runKyvernoTest(testFile: string): CaseOutcome {
  const dir = path.dirname(testFile);
  const spec = docsOf(testFile)[0];
  const policyDocs = (spec.policies ?? []).map((p: string) => ({ file: path.join(dir, p), yaml: readYaml(path.join(dir, p)) }));
  const exceptionDocs = (spec.exceptions ?? []).map((p: string) => ({ file: path.join(dir, p), yaml: readYaml(path.join(dir, p)) }));
  const scope = new Map<string, string | undefined>();
  const unscored = new Set<string>();
  for (const { yaml } of policyDocs) {
    for (const d of yaml.documents) {
      const doc = d.parsed.toJS() as Json;
      if (doc === null || typeof doc !== 'object' || typeof doc.metadata?.name !== 'string') continue;
      const key = doc.kind === 'Policy' ? `${doc.metadata.namespace ?? 'default'}/${doc.metadata.name}` : doc.metadata.name;
      scope.set(doc.metadata.name, outOfScope(doc));
      scope.set(key, outOfScope(doc));
      if (doc.metadata.annotations?.['policies.kyverno.io/scored'] === 'false') unscored.add(key);
    }
  }
  const set = PolicySet.fromDocuments([...policyDocs, ...exceptionDocs]);
  const { values, namespaceLabels } = valuesOf(spec.variables === undefined ? undefined : path.join(dir, spec.variables));
  const options: EvaluateOptions = { values: values ?? {}, namespaceLabels, admissionInfo: userInfoOf(spec.userinfo === undefined ? undefined : path.join(dir, spec.userinfo)) };
  const resources: Resource[] = [];
  for (const file of spec.resources ?? []) {
    const yaml = readYaml(path.join(dir, file));
    for (const d of yaml.documents) {
      if (d.parsed.contents === null) continue;
      const view = resourceView(d.parsed);
      if (view === undefined) continue;
      resources.push({ kind: view.kind, name: view.name, namespace: view.namespace, results: evaluateParsedDocument(set, d.parsed, options, d.index) });
    }
  }
  const outcome: CaseOutcome = { checks: [], excluded: [] };
  const loadedPolicies = new Set([...set.policies.map((p) => p.key), ...set.celPolicies.map((p) => p.key)]);
  for (const row of (spec.results ?? []) as TestRow[]) {
    const names = row.resources ?? (row.resource !== undefined ? [row.resource] : []);
    const label = `${row.policy}/${row.rule ?? ''} ${row.kind} ${names.join(',')} → ${row.result}`;
    const reason = scope.get(row.policy);
    if (reason !== undefined) {
      outcome.excluded.push({ row: label, reason });
      continue;
    }
    for (const name of names) {
      const check: RowCheck = { policy: row.policy, rule: row.rule ?? '', kind: row.kind, resource: name, want: row.result, got: '', reason: '', ok: false };
      // lookupEngineResponses: one engine response per (policy, resource); the resource is named
      // either by name or by namespace/name.
      const responses = loadedPolicies.has(row.policy)
        ? resources.filter((r) => r.kind === row.kind && (r.name === name || `${r.namespace}/${r.name}` === name))
        : [];
      if (responses.length === 0) {
        check.got = 'fail';
        check.reason = 'Not found';
      } else {
        const got: string[] = [];
        for (const r of responses) {
          // lookupRuleResponses accepts <rule>, autogen-<rule> and autogen-cronjob-<rule>.
          // ValidatingPolicy rows name no rule: every response of the policy counts.
          const rules = r.results.filter((x) => x.policy === row.policy && (row.rule === undefined || x.rule === row.rule || x.rule === `autogen-${row.rule}` || x.rule === `autogen-cronjob-${row.rule}`));
          // "if there are no RuleResponse, the resource has been excluded. This is a pass."
          if (rules.length === 0) got.push('Excluded');
          for (const x of rules) got.push(reportResult(x, unscored));
        }
        check.got = got.join(',');
        check.ok = got.every((g) => g === 'Excluded' || g === row.result);
        check.reason = got.includes('Excluded') ? 'Excluded (no rule response: counted as pass by kyverno test)' : check.ok ? 'Ok' : `Want ${row.result}, got ${check.got}`;
      }
      if (check.reason === 'Not found') check.ok = false;
      outcome.checks.push(check);
    }
  }
  return outcome;
}

const expectations = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'EXPECTATIONS.json'), 'utf8')) as Json;
const testFailDirs = new Set<string>((expectations.testFailDirs?.dirs ?? []).map((d: string) => path.join(fixturesDir, d)));

function findTests(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d)) {
      const p = path.join(d, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (name === 'kyverno-test.yaml') out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

const testFiles = [...findTests(libraryDir), ...findTests(fixturesDir)];
const totals = { rows: 0, passed: 0, excludedRows: 0, excludedSatisfied: 0, failDirs: 0, failDirsOk: 0, excludedCases: [] as string[] };

test('the kyverno-test corpus is complete', () => {
  const index = JSON.parse(fs.readFileSync(path.join(libraryDir, 'INDEX.json'), 'utf8')) as Json;
  const indexed = index.policies.flatMap((p: Json) => (p.kyvernoTests ?? []).map((t: Json) => t.file)).length;
  assert.equal(findTests(libraryDir).length, indexed, 'every library kyverno-test listed in INDEX.json');
  assert.equal(findTests(fixturesDir).length, expectations.kyvernoTests.length, 'every CLI fixture kyverno-test listed in EXPECTATIONS.json');
});

for (const file of testFiles) {
  const rel = path.relative(kyvernoDataDir, file);
  let outcome: CaseOutcome;
  try {
    outcome = runKyvernoTest(file);
  } catch (err) {
    test(`kyverno test ${rel}`, () => { throw err; });
    continue;
  }
  const inScope = outcome.checks.length > 0;
  const failDir = testFailDirs.has(path.dirname(file));
  const reasons = [...new Set(outcome.excluded.map((e) => e.reason))];
  if (!inScope && !failDir) {
    totals.excludedRows += outcome.excluded.length;
    totals.excludedCases.push(`${rel}: ${reasons.join('; ')}`);
    test(`kyverno test ${rel}`, { skip: `excluded: ${reasons.join('; ')}` }, () => {});
    continue;
  }
  test(`kyverno test ${rel}`, () => {
    totals.excludedRows += outcome.excluded.length;
    if (failDir) {
      // .github/workflows/check-cli-tests.yaml expects `kyverno test` to fail in these directories.
      totals.failDirs++;
      const failed = outcome.checks.filter((c) => !c.ok);
      assert.ok(failed.length > 0, `kyverno test must fail here, but every row passed: ${JSON.stringify(outcome.checks)}`);
      totals.failDirsOk++;
      return;
    }
    totals.rows += outcome.checks.length;
    const failed = outcome.checks.filter((c) => !c.ok);
    totals.passed += outcome.checks.length - failed.length;
    totals.excludedSatisfied += outcome.checks.filter((c) => c.reason.startsWith('Excluded')).length;
    assert.deepEqual(failed.map((c) => `${c.policy}/${c.rule} ${c.kind}/${c.resource}: want ${c.want}, got ${c.got} (${c.reason})`), []);
  });
}

// ---------------------------------------------------------------------------------------------
// chainsaw: the library's admission tests, policy patched to Enforce.

interface ChainsawStep { file: string; expectError: boolean; objects: { kind: string; name: string }[] }

function policyFileOf(dir: string): string | undefined {
  for (const name of fs.readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(name) || name === 'artifacthub-pkg.yml') continue;
    const docs = docsOf(path.join(dir, name));
    if (docs.some((d) => typeof d.apiVersion === 'string' && /kyverno\.io\//.test(d.apiVersion))) return path.join(dir, name);
  }
  return undefined;
}

/** The `patch` steps of chainsaw-test.yaml that set spec fields of the policy (validationFailureAction: Enforce). */
function chainsawPatches(dir: string): Json[] {
  const file = path.join(dir, '.chainsaw-test', 'chainsaw-test.yaml');
  if (!fs.existsSync(file)) return [];
  const patches: Json[] = [];
  for (const step of docsOf(file)[0]?.spec?.steps ?? []) {
    for (const op of step.try ?? []) if (op.patch?.resource?.spec !== undefined) patches.push(op.patch.resource);
  }
  return patches;
}

function patchedPolicySet(policyFile: string, patches: Json[]): PolicySet {
  const docs = docsOf(policyFile).map((doc) => {
    const out = structuredClone(doc);
    for (const p of patches) {
      if (p.kind === doc.kind && p.metadata?.name === doc.metadata?.name) out.spec = { ...out.spec, ...p.spec };
    }
    return out;
  });
  // JSON is YAML: the patched documents go through the same loader as any policy file.
  const text = docs.map((d) => JSON.stringify(d)).join('\n---\n');
  return PolicySet.fromDocuments([{ file: policyFile, yaml: parseYamlFile(text) }]);
}

const POD_SPECS: Record<string, string[]> = {
  Pod: ['spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/**
 * Chainsaw applies to a real API server, which defaults fields before Kyverno's webhook sees the object
 * (`kyverno test` does not). The one default these policies read is imagePullPolicy: Always for a
 * `:latest` or untagged image (no digest), IfNotPresent otherwise (k8s pkg/apis/core/v1/defaults.go).
 */
function withApiServerDefaults(object: Json): Json {
  const out = structuredClone(object);
  let spec: Json | undefined = out;
  for (const key of POD_SPECS[out.kind] ?? ['spec', 'template', 'spec']) spec = spec?.[key];
  if (spec === undefined || spec === null || typeof spec !== 'object') return out;
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of Array.isArray(spec[list]) ? spec[list] : []) {
      if (c === null || typeof c !== 'object' || c.imagePullPolicy !== undefined || typeof c.image !== 'string') continue;
      const lastPart = c.image.split('@')[0].split('/').pop() ?? '';
      const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : c.image.includes('@') ? '' : 'latest';
      c.imagePullPolicy = tag === 'latest' ? 'Always' : 'IfNotPresent';
    }
  }
  return out;
}

/** Blocked at admission: a failing rule resolved to Enforce, or a rule error (failurePolicy Fail). */
function blocked(results: readonly RuleResult[]): boolean {
  return results.some((r) => (r.status === 'fail' && r.action === 'Enforce') || r.status === 'error');
}

const chainsawTotals = { steps: 0, passed: 0, rejectObjects: 0, rejectObjectsBlocked: 0, excluded: [] as string[], notBlocked: [] as string[] };
const index = JSON.parse(fs.readFileSync(path.join(libraryDir, 'INDEX.json'), 'utf8')) as Json;

for (const entry of index.policies as Json[]) {
  const steps = (entry.chainsaw ?? []) as ChainsawStep[];
  if (steps.length === 0) continue;
  const dir = path.join(libraryDir, entry.path);
  const policyFile = policyFileOf(dir);
  const docs = policyFile === undefined ? [] : docsOf(policyFile);
  const reasons = docs.map(outOfScope).filter((r): r is string => r !== undefined);
  const needsCluster = docs.flatMap((d) => (d.spec?.rules ?? []).flatMap((r: Json) => [...contextEntries(r), ...contextEntries(r.validate)]))
    .filter((e) => e.apiCall !== undefined || e.configMap !== undefined || e.globalReference !== undefined);
  if (needsCluster.length > 0) reasons.push(`context entries ${needsCluster.map((e) => e.name).join(', ')} read the cluster (apiCall/configMap), which chainsaw sets up and an offline check cannot`);
  if (docs.some((d) => /namespaceObject|resource\.(Get|List)\(|globalContext/.test(JSON.stringify(d)))) reasons.push('CEL reads cluster objects (namespaceObject/resource.Get), which chainsaw sets up and an offline check cannot');
  if (policyFile === undefined) reasons.push('no policy file');
  if (reasons.length > 0) {
    chainsawTotals.excluded.push(`${entry.path}: ${reasons.join('; ')}`);
    test(`chainsaw ${entry.path}`, { skip: `excluded: ${reasons.join('; ')}` }, () => {});
    continue;
  }
  test(`chainsaw ${entry.path}`, () => {
    const set = patchedPolicySet(policyFile as string, chainsawPatches(dir));
    const problems: string[] = [];
    for (const step of steps) {
      chainsawTotals.steps++;
      const yaml = readYaml(path.join(libraryDir, step.file));
      const perObject = yaml.documents.filter((d) => d.parsed.contents !== null).map((d) => {
        const view = resourceView(d.parsed);
        const admitted = parseYamlFile(JSON.stringify(withApiServerDefaults(d.parsed.toJS() as Json))).documents[0].parsed;
        return { name: `${view?.kind}/${view?.name}`, blocked: blocked(evaluateParsedDocument(set, admitted)) };
      });
      const anyBlocked = perObject.some((o) => o.blocked);
      if (step.expectError) {
        const workloads = perObject.filter((o) => !o.name.startsWith('Namespace/'));
        chainsawTotals.rejectObjects += workloads.length;
        chainsawTotals.rejectObjectsBlocked += workloads.filter((o) => o.blocked).length;
        for (const o of workloads) if (!o.blocked) chainsawTotals.notBlocked.push(`${entry.path} ${path.basename(step.file)} ${o.name}`);
      }
      // kubectl apply of a multi-document file fails when any object is rejected.
      if (anyBlocked === step.expectError) chainsawTotals.passed++;
      else problems.push(`${path.basename(step.file)}: expected ${step.expectError ? 'REJECT' : 'accept'}, objects ${JSON.stringify(perObject)}`);
    }
    assert.deepEqual(problems, []);
  });
}

// ---------------------------------------------------------------------------------------------
// `kyverno apply` report summaries (cmd/cli/kubectl-kyverno/commands/apply/command_test.go).

function yamlFilesUnder(p: string): string[] {
  if (fs.statSync(p).isFile()) return [p];
  return fs.readdirSync(p).sort().flatMap((n) => yamlFilesUnder(path.join(p, n))).filter((f) => /\.ya?ml$/.test(f));
}

const applyTotals = { cases: 0, passed: 0 };

for (const [i, apply] of (expectations.applyExpectations as Json[]).entries()) {
  test(`kyverno apply summary #${i + 1} (${apply.lines}): ${apply.policyPaths.join(',')} × ${apply.resourcePaths.join(',')}`, () => {
    applyTotals.cases++;
    const policyFiles = apply.policyPaths.flatMap((p: string) => yamlFilesUnder(path.join(fixturesDir, p)));
    const resourceFiles = apply.resourcePaths.flatMap((p: string) => yamlFilesUnder(path.join(fixturesDir, p)));
    const isException = (d: Json): boolean => d.kind === 'PolicyException';
    // Exceptions next to the policies count only with --exceptions-with-policies, exceptions among the
    // resources only with --exceptions-with-resources.
    const docs = policyFiles
      .filter((f: string) => apply.flags?.exceptionsWithinPolicies === true || !docsOf(f).some(isException))
      .map((f: string) => ({ file: f, yaml: readYaml(f) }));
    if (apply.flags?.exceptionsWithinResources === true) {
      for (const f of resourceFiles) if (docsOf(f).some(isException)) docs.push({ file: f, yaml: readYaml(f) });
    }
    const set = PolicySet.fromDocuments(docs);
    const unscored = new Set(policyFiles.flatMap((f: string) => docsOf(f)).filter((d: Json) => d.metadata?.annotations?.['policies.kyverno.io/scored'] === 'false').map((d: Json) => d.metadata.name));
    const summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
    for (const f of resourceFiles) {
      for (const d of readYaml(f).documents) {
        if (d.parsed.contents === null || isException(d.parsed.toJS() as Json)) continue;
        for (const r of evaluateParsedDocument(set, d.parsed, {})) {
          if (r.status === 'fail') {
            if (unscored.has(r.policy) || (apply.flags?.AuditWarn === true && r.action === 'Audit')) summary.warn++;
            else summary.fail++;
          } else {
            summary[r.status]++;
          }
        }
      }
    }
    assert.deepEqual(summary, apply.expectedReportSummary);
    applyTotals.passed++;
  });
}

test('conformance summary', () => {
  console.log(`kyverno-test conformance: ${totals.passed}/${totals.rows} results (${totals.excludedSatisfied} satisfied as "Excluded"), `
    + `test-fail dirs failing as intended ${totals.failDirsOk}/${totals.failDirs}, ${totals.excludedRows} rows excluded; `
    + `chainsaw ${chainsawTotals.passed}/${chainsawTotals.steps} steps (objects rejected in REJECT files ${chainsawTotals.rejectObjectsBlocked}/${chainsawTotals.rejectObjects}); `
    + `apply summaries ${applyTotals.passed}/${applyTotals.cases}`);
  console.log(`excluded kyverno-test files:\n  ${totals.excludedCases.join('\n  ')}`);
  console.log(`objects in REJECT files that are not rejected themselves (kubectl apply still fails on the others):\n  ${chainsawTotals.notBlocked.join('\n  ')}`);
  console.log(`excluded chainsaw tests:\n  ${chainsawTotals.excluded.join('\n  ')}`);
  assert.ok(totals.rows > 0 && chainsawTotals.steps > 0);
});
