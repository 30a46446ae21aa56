// Policy-file validation against Kyverno's own policies: every valid ClusterPolicy / Policy /
// PolicyException in the shared Kyverno data (kyverno/policies library, kyverno/kyverno CLI fixtures) must
// raise no error, and mutated copies must raise exactly the problem Kyverno would report, at the key.
// CEL policies (ValidatingPolicy, policies.kyverno.io PolicyException) are checked against their CRD schema
// only (Kyverno's programmatic validation of CEL policies is CEL compilation, out of scope here).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kyvernoDataDir } from '../support/paths';
import { parseYamlFile } from '../../server/src/engine/yaml/model';
import { lintPolicyDocument, type PolicyProblem } from '../../server/src/engine/policyLint';

function* yamlFiles(dir: string): Generator<string> {
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) yield* yamlFiles(p);
    else if (/\.ya?ml$/.test(name)) yield p;
  }
}

interface PolicyDoc { file: string; kind: string; apiVersion: string; problems: PolicyProblem[]; text: string }

function corpus(): PolicyDoc[] {
  const out: PolicyDoc[] = [];
  for (const root of ['policies-library', 'cli-fixtures']) {
    for (const file of yamlFiles(path.join(kyvernoDataDir, root))) {
      const yaml = parseYamlFile(fs.readFileSync(file, 'utf8'));
      for (const d of yaml.documents) {
        const js = d.parsed.toJS() as { apiVersion?: unknown; kind?: unknown; spec?: unknown } | null;
        if (js === null || typeof js !== 'object' || typeof js.apiVersion !== 'string' || typeof js.kind !== 'string') continue;
        if (!/(^|\.)kyverno\.io\//.test(js.apiVersion) || js.spec === undefined) continue;
        if (js.apiVersion.startsWith('cli.kyverno.io') || js.apiVersion.startsWith('chainsaw.kyverno.io')) continue;
        out.push({ file: path.relative(kyvernoDataDir, file), kind: js.kind, apiVersion: js.apiVersion, problems: lintPolicyDocument(d.parsed), text: d.parsed.text });
      }
    }
  }
  return out;
}

test('every policy in the Kyverno corpus validates without a false error', () => {
  const docs = corpus();
  const files = new Set(docs.map((d) => d.file));
  const byKind = new Map<string, number>();
  for (const d of docs) byKind.set(`${d.apiVersion.split('/')[0]} ${d.kind}`, (byKind.get(`${d.apiVersion.split('/')[0]} ${d.kind}`) ?? 0) + 1);
  const falseErrors = docs.flatMap((d) => d.problems.filter((p) => p.severity === 'error').map((p) => `${d.file}: ${d.text.slice(p.start, p.end)}: ${p.message}`));
  // The corpus must really contain the policies this test is about.
  assert.ok((byKind.get('kyverno.io ClusterPolicy') ?? 0) >= 60, `ClusterPolicies found: ${byKind.get('kyverno.io ClusterPolicy')}`);
  assert.ok((byKind.get('kyverno.io PolicyException') ?? 0) >= 5);
  console.log(`policy validation corpus: ${files.size} files, ${falseErrors.length} false errors`);
  console.log(`  documents by kind: ${[...byKind.entries()].map(([k, n]) => `${k} ${n}`).join(', ')} (policies.kyverno.io kinds: CRD schema only)`);
  assert.ok((byKind.get('policies.kyverno.io ValidatingPolicy') ?? 0) >= 10, 'CEL ValidatingPolicies are in the corpus');
  assert.deepEqual(falseErrors, []);
});

// ---------------------------------------------------------------------------------------------------
// mutations of kyverno/policies best-practices/restrict-image-registries

const BASE = fs.readFileSync(path.join(kyvernoDataDir, 'policies-library/best-practices/restrict-image-registries/restrict-image-registries.yaml'), 'utf8');

function lint(text: string): PolicyProblem[] {
  const docs = parseYamlFile(text).documents;
  assert.equal(docs.length, 1);
  return lintPolicyDocument(docs[0].parsed);
}

function replaceOnce(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `base contains ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

/** Problems of the mutated text that the base does not have (compared by code and message). */
function newProblems(mutated: string): { problem: PolicyProblem; at: string }[] {
  const base = new Set(lint(BASE).map((p) => `${p.code}\u0000${p.message}`));
  return lint(mutated).filter((p) => !base.has(`${p.code}\u0000${p.message}`)).map((problem) => ({ problem, at: mutated.slice(problem.start, problem.end) }));
}

interface Expect { code: string; severity: PolicyProblem['severity']; message: string; at: string }

function expectExactly(mutated: string, expected: Expect[]): void {
  const got = newProblems(mutated).map(({ problem, at }) => ({ code: problem.code, severity: problem.severity, message: problem.message, at }));
  assert.deepEqual(got, expected);
}

test('the base policy itself has no error', () => {
  assert.deepEqual(lint(BASE).filter((p) => p.severity === 'error'), []);
});

test('mutation: duplicate rule name', () => {
  const rule = BASE.slice(BASE.indexOf('  - name: validate-registries')).trimEnd();
  expectExactly(`${BASE.trimEnd()}\n${rule}\n`, [
    { code: 'kyverno-duplicate-rule-name', severity: 'error', message: "spec.rules[1].name: Duplicate rule name: 'validate-registries'", at: 'name' },
  ]);
});

test('mutation: pattern together with anyPattern', () => {
  const mutated = replaceOnce(BASE, '      message: "Unknown image registry."\n', '      message: "Unknown image registry."\n      anyPattern:\n      - spec: {}\n');
  expectExactly(mutated, [
    { code: 'kyverno-validate-several', severity: 'error', message: 'path: spec.rules[0].validate..: only one of pattern, anyPattern, deny, foreach, cel can be specified', at: 'anyPattern' },
  ]);
});

test('mutation: +() anchor in a validate pattern', () => {
  const mutated = replaceOnce(BASE, '          containers:', '          +(containers):');
  expectExactly(mutated, [
    { code: 'kyverno-unsupported-anchor', severity: 'error', message: 'path: spec.rules[0].validate.pattern.//spec/+(containers).: unsupported anchor +(containers)', at: '+(containers)' },
  ]);
});

test('mutation: autogen-controllers: all', () => {
  const mutated = replaceOnce(BASE, '    policies.kyverno.io/subject: Pod\n', '    policies.kyverno.io/subject: Pod\n    pod-policies.kyverno.io/autogen-controllers: all\n');
  expectExactly(mutated, [
    { code: 'kyverno-autogen-all', severity: 'error', message: "metadata.annotations: Forbidden: Autogen annotation does not support 'all' anymore, remove the annotation or set it to a valid value", at: 'pod-policies.kyverno.io/autogen-controllers' },
  ]);
});

test('mutation: lower-case failure action', () => {
  const mutated = replaceOnce(BASE, 'validationFailureAction: Audit', 'validationFailureAction: audit');
  const got = newProblems(mutated);
  // The deprecation note on the spec-level field is in the base too (same message apart from the value).
  assert.deepEqual(got.filter((g) => g.problem.code !== 'deprecated-spec-failure-action').map(({ problem, at }) => [problem.code, problem.severity, problem.message, at]), [
    ['kyverno-lowercase-action', 'warning', 'Validation failure actions enforce/audit are deprecated, use Enforce/Audit instead.', 'validationFailureAction'],
  ]);
});

test('mutation: namespaces filter in a namespaced Policy', () => {
  let mutated = replaceOnce(BASE, 'kind: ClusterPolicy', 'kind: Policy');
  mutated = replaceOnce(mutated, '  name: restrict-image-registries\n', '  name: restrict-image-registries\n  namespace: team-a\n');
  const base = new Set(lint(BASE).map((p) => p.code));
  const got = lint(mutated).filter((p) => !base.has(p.code)).map((p) => [p.code, p.severity, p.message, mutated.slice(p.start, p.end)]);
  assert.deepEqual(got, []); // a namespaced copy without namespaces is fine
  mutated = replaceOnce(mutated, '          kinds:\n          - Pod\n', '          kinds:\n          - Pod\n          namespaces:\n          - team-a\n');
  const after = lint(mutated).filter((p) => !base.has(p.code)).map((p) => [p.code, p.severity, p.message, mutated.slice(p.start, p.end)]);
  assert.deepEqual(after, [
    ['kyverno-namespaces-in-policy', 'error', 'spec.rules[0].match.any[0].resources.namespaces: Forbidden: Filtering namespaces not allowed in namespaced policies', 'namespaces'],
  ]);
});

test('mutation: misspelt validate', () => {
  const mutated = replaceOnce(BASE, '    validate:\n', '    valdiate:\n');
  const got = newProblems(mutated);
  assert.deepEqual(got.map(({ problem, at }) => [problem.code, problem.severity, problem.message, at]), [
    ['schema-unknown-field', 'error', 'spec.rules[0].valdiate: value provided for unknown field (did you mean "validate"?)', 'valdiate'],
  ]);
  assert.deepEqual(got[0].problem.fix?.edits.map((e) => e.newText), ['validate']);
});

test('mutation: failure action outside the enum', () => {
  const mutated = replaceOnce(BASE, '      message: "Unknown image registry."\n', '      failureAction: Block\n      message: "Unknown image registry."\n');
  expectExactly(mutated, [
    { code: 'schema-enum', severity: 'error', message: 'spec.rules[0].validate.failureAction: Unsupported value: "Block": supported values: "Audit", "Enforce"', at: 'failureAction' },
  ]);
});

test('mutation: rule without match', () => {
  const mutated = replaceOnce(BASE, '    match:\n      any:\n      - resources:\n          kinds:\n          - Pod\n', '');
  expectExactly(mutated, [
    { code: 'schema-required', severity: 'error', message: 'spec.rules[0].match: Required value', at: 'name' },
  ]);
});

test('mutation: indentation lost (pasted from a web page)', () => {
  const flattened = BASE.split('\n').map((l) => l.trimStart()).join('\n');
  const problems = lint(flattened);
  assert.equal(problems.length, 1, JSON.stringify(problems, null, 1));
  assert.equal(problems[0].code, 'policy-indentation-lost');
  assert.equal(problems[0].severity, 'error');
  assert.match(problems[0].message, /^This looks like a Kyverno ClusterPolicy whose indentation was lost/);
});

test('every corpus policy flattened to column 0: one diagnosis each; the re-indent fix, when offered, restores it exactly', () => {
  const canonical = (x: unknown): unknown => Array.isArray(x) ? x.map(canonical)
    : x !== null && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, canonical((x as Record<string, unknown>)[k])]))
      : typeof x === 'string' ? x.replace(/\s+/g, ' ').trim() : x; // folded text loses its line breaks, not its words
  let total = 0;
  let offered = 0;
  const wrong: string[] = [];
  for (const d of corpus()) {
    if (!d.apiVersion.startsWith('kyverno.io/')) continue;
    total++;
    const flat = d.text.split('\n').map((l) => l.trimStart()).join('\n');
    const problems = lint(flat);
    assert.deepEqual(problems.map((p) => p.code), ['policy-indentation-lost'], d.file);
    const fix = problems[0].fix;
    if (fix === undefined) continue;
    offered++;
    assert.equal(fix.preferred, false);
    const rebuilt = parseYamlFile(fix.edits[0].newText).documents[0].parsed.toJS();
    const original = parseYamlFile(d.text).documents[0].parsed.toJS();
    if (JSON.stringify(canonical(rebuilt)) !== JSON.stringify(canonical(original))) wrong.push(d.file);
  }
  console.log(`flattened corpus: ${total} policies, ${total} diagnosed, re-indent offered for ${offered}, ${wrong.length} wrong`);
  assert.deepEqual(wrong, []);
  assert.ok(offered >= total * 0.9, `re-indent offered for ${offered} of ${total}`);
});
