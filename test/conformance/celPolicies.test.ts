// Kyverno's own expectations for CEL policies, replayed through engine/cel:
//  - every kyverno-test.yaml of the policy library's *-vpol (ValidatingPolicy) and *-cel (ClusterPolicy
//    `validate.cel`) folders, and of the CLI fixtures' test-validating-policy;
//  - compared row by row, strictly: every expected resource must get a result of the expected kind
//    (`kyverno test` would also accept "no response" as a pass; this runner does not).
// Policies that need registry access (Group B in the semantics doc §7: image.GetMetadata and friends)
// are excluded with the reason and never counted as passes.
// `validate.cel` rules are driven here through engine/policy's match and autogen (PolicySet) and
// evaluateValidateCel, the same calls the policy engine makes once it is wired.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseYamlFile, type YamlFile } from '../../server/src/engine/yaml/model';
import { PolicySet, type RuleResult } from '../../server/src/engine/policy';
import { rulesForKind } from '../../server/src/engine/policy/compiled';
import { ruleMatches } from '../../server/src/engine/policy/match';
import { resourceView, type ResourceView } from '../../server/src/engine/policy/resource';
import { evaluateCelDocument, evaluateValidateCel, loadCelPolicies, type CelEvaluateOptions } from '../../server/src/engine/cel';
import { kyvernoDataDir } from '../support/paths';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test data of many shapes
type Json = Record<string, any>;

const libraryDir = path.join(kyvernoDataDir, 'policies-library');
const fixturesDir = path.join(kyvernoDataDir, 'cli-fixtures', 'test', 'cli', 'test-validating-policy');

function readYaml(file: string): YamlFile {
  return parseYamlFile(fs.readFileSync(file, 'utf8'));
}

function docsOf(file: string): Json[] {
  return readYaml(file).documents.filter((d) => d.parsed.contents !== null).map((d) => d.parsed.toJS() as Json).filter((v) => v !== null && typeof v === 'object');
}

function findTests(root: string, filter: (dir: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d)) {
      const p = path.join(d, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (name === 'kyverno-test.yaml' && filter(p)) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

const index = JSON.parse(fs.readFileSync(path.join(libraryDir, 'INDEX.json'), 'utf8')) as Json;
const groupOf = new Map<string, string>(index.policies.map((p: Json) => [p.path, p.group]));

const celFolder = (p: string): boolean => /(^|\/)[a-z-]+-(cel|vpol)\//.test(path.relative(libraryDir, p));
const testFiles = [...findTests(libraryDir, celFolder), ...findTests(fixturesDir, () => true)];

/** Why a library test is out of scope, or undefined. */
function exclusion(testFile: string): string | undefined {
  if (!testFile.startsWith(libraryDir)) return undefined;
  const rel = path.relative(libraryDir, testFile).split(path.sep).slice(0, 2).join('/');
  if (groupOf.get(rel) === 'B') return 'Group B (§7): the policy reads image metadata from the registry (image.GetMetadata); not evaluable offline';
  return undefined;
}

interface Options { cel: CelEvaluateOptions }

function optionsOf(dir: string, spec: Json): Options {
  const cel: CelEvaluateOptions = {};
  if (typeof spec.variables === 'string') {
    const values = docsOf(path.join(dir, spec.variables))[0] ?? {};
    const objects: Record<string, Record<string, unknown>> = {};
    const labels: Record<string, Record<string, string>> = {};
    for (const ns of values.namespaces ?? []) {
      const name = ns.metadata?.name;
      if (typeof name !== 'string') continue;
      objects[name] = ns;
      labels[name] = ns.metadata?.labels ?? {};
    }
    for (const n of values.namespaceSelector ?? []) labels[n.name] = n.labels ?? {};
    cel.namespaceObjects = objects;
    cel.namespaceLabels = labels;
  }
  if (typeof spec.context === 'string') {
    const context = docsOf(path.join(dir, spec.context))[0] ?? {};
    cel.clusterResources = context.spec?.resources ?? [];
  }
  return { cel };
}

/** ClusterPolicy validate.cel rules on one resource: match + autogen from engine/policy, evaluation from engine/cel. */
function validateCelResults(set: PolicySet, res: ResourceView, options: CelEvaluateOptions): RuleResult[] {
  const out: RuleResult[] = [];
  for (const policy of set.compiled) {
    for (const rule of rulesForKind(policy, res.kind)) {
      const raw = JSON.parse(rule.text) as Json;
      if (raw.validate?.cel === undefined) continue;
      if (!ruleMatches(rule.match, rule.exclude, res, { operation: 'CREATE', namespaceLabels: options.namespaceLabels?.[res.namespace] ?? {}, admission: undefined })) continue;
      const o = evaluateValidateCel(raw, res, options);
      out.push({
        policy: policy.loaded.key, rule: rule.name, status: o.status, action: 'Audit', message: o.message, violations: o.violations,
        resource: { apiVersion: res.apiVersion, kind: res.kind, namespace: res.namespace, name: res.name, documentIndex: 0, kindStart: res.kindStart, kindEnd: res.kindEnd },
      });
    }
  }
  return out;
}

interface Check { row: string; resource: string; want: string; got: string; ok: boolean }

function runTest(testFile: string): Check[] {
  const dir = path.dirname(testFile);
  const spec = docsOf(testFile)[0];
  const policyDocs = (spec.policies ?? []).map((p: string) => ({ file: path.join(dir, p), yaml: readYaml(path.join(dir, p)) }));
  const cel = loadCelPolicies(policyDocs);
  assert.deepEqual(cel.errors, [], `${testFile}: CEL policies load without errors`);
  const set = PolicySet.fromDocuments(policyDocs);
  const { cel: options } = optionsOf(dir, spec);
  const resources: { view: ResourceView; results: RuleResult[] }[] = [];
  for (const file of spec.resources ?? []) {
    for (const d of readYaml(path.join(dir, file)).documents) {
      if (d.parsed.contents === null) continue;
      const view = resourceView(d.parsed);
      if (view === undefined) continue;
      resources.push({ view, results: [...evaluateCelDocument(cel.policies, d.parsed, options, d.index), ...validateCelResults(set, view, options)] });
    }
  }
  const checks: Check[] = [];
  for (const row of spec.results ?? []) {
    const names: string[] = row.resources ?? (row.resource !== undefined ? [row.resource] : []);
    const label = `${row.policy}${row.rule !== undefined ? `/${row.rule}` : ''} ${row.kind}`;
    for (const name of names) {
      const matching = resources.filter((r) => r.view.kind === row.kind && (r.view.name === name || `${r.view.namespace}/${r.view.name}` === name));
      const got: string[] = [];
      for (const r of matching) {
        // `kyverno test` ignores rule names for ValidatingPolicy rows; for rules it accepts autogen names.
        const rs = r.results.filter((x) => x.policy === row.policy
          && (row.isValidatingPolicy === true || x.rule === row.rule || x.rule === `autogen-${row.rule}` || x.rule === `autogen-cronjob-${row.rule}`));
        got.push(...(rs.length === 0 ? ['no result'] : rs.map((x) => x.status)));
      }
      if (matching.length === 0) got.push('resource not found');
      checks.push({ row: label, resource: name, want: row.result, got: got.join(','), ok: got.length > 0 && got.every((g) => g === row.result) });
    }
  }
  return checks;
}

const totals = { checks: 0, passed: 0, excluded: [] as string[] };

for (const file of testFiles) {
  const rel = path.relative(kyvernoDataDir, file);
  const reason = exclusion(file);
  if (reason !== undefined) {
    const rows = (docsOf(file)[0]?.results ?? []).reduce((n: number, r: Json) => n + (r.resources ?? []).length, 0);
    totals.excluded.push(`${rel} (${rows} rows): ${reason}`);
    // Not counted, but never a wrong verdict: each row either gets Kyverno's result or says what it lacks.
    test(`excluded (registry lookups) ${rel}: no contradicting verdicts`, () => {
      const wrong = runTest(file).filter((c) => !c.ok && !c.got.split(',').every((g) => g === 'error'));
      assert.deepEqual(wrong, []);
    });
    continue;
  }
  test(`kyverno test ${rel}`, () => {
    const checks = runTest(file);
    totals.checks += checks.length;
    totals.passed += checks.filter((c) => c.ok).length;
    const failed = checks.filter((c) => !c.ok).map((c) => `${c.row} ${c.resource}: want ${c.want}, got ${c.got}`);
    assert.ok(checks.length > 0, 'the test file has rows');
    assert.deepEqual(failed, []);
  });
}

test('the CEL corpus is complete and counted', () => {
  // Every *-cel / *-vpol policy of INDEX.json with a kyverno-test is either run above or excluded with a reason.
  const indexed = index.policies
    .filter((p: Json) => /-(cel|vpol)\//.test(p.path))
    .flatMap((p: Json) => (p.kyvernoTests ?? []).map((t: Json) => path.join(libraryDir, t.file)))
    .sort();
  assert.deepEqual(findTests(libraryDir, celFolder), indexed);
  assert.ok(findTests(fixturesDir, () => true).length >= 1, 'the CLI fixture test-validating-policy is present');
  console.log(`cel conformance: ${totals.passed}/${totals.checks}`);
  for (const e of totals.excluded) console.log(`  excluded: ${e}`);
  assert.ok(totals.checks > 0);
  assert.equal(totals.passed, totals.checks);
});
