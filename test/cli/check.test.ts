import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repoRoot } from '../support/paths';
import { runCli, workspace, seedPolicy, pod } from './cliHarness';

interface JsonReport {
  results: { policy: string; rule: string; result: string; action: string; message: string; resource: { apiVersion: string; kind: string; namespace: string; name: string; file: string; line: number }; violations: { path: string; image?: string; file: string; line: number; column: number; endLine: number; endColumn: number }[] }[];
  errors: { file: string; line: number; column: number; message: string }[];
  summary: { pass: number; fail: number; warn: number; error: number; skip: number };
}

const SEED_MESSAGE = 'validation error: Unknown Image registry. rule validate-registries failed at path /spec/containers/0/image/';

test('the seed scenario fails the kubectl-run nginx Pod with Kyverno\'s message and passes the ECR Public one', () => {
  const r = runCli(['check', 'examples/seed'], repoRoot);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /policy restrict-image-registries -> resource default\/Pod\/nginx failed:/);
  assert.ok(r.stdout.includes(`1 - validate-registries ${SEED_MESSAGE}`), r.stdout);
  assert.ok(r.stdout.includes('examples/seed/nginx-pod.yaml:10:14: nginx'), r.stdout);
  assert.ok(!r.stdout.includes('Pod/nginx-ecr failed'), r.stdout);
  assert.match(r.stdout, /^pass: 1, fail: 1, warn: 0, error: 0, skip: 0$/m);
});

test('json output follows the contract: every evaluated rule, 1-based ranges over the image text, default namespace', () => {
  const r = runCli(['check', '--format', 'json', 'examples/seed'], repoRoot);
  assert.equal(r.status, 1, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  assert.deepEqual(report.summary, { pass: 1, fail: 1, warn: 0, error: 0, skip: 0 });
  assert.deepEqual(report.errors, []);
  const fail = report.results.find((x) => x.result === 'fail');
  assert.ok(fail);
  assert.deepEqual(fail.resource, { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'nginx', file: 'examples/seed/nginx-pod.yaml', line: 3 });
  assert.equal(fail.policy, 'restrict-image-registries');
  assert.equal(fail.rule, 'validate-registries');
  assert.equal(fail.action, 'Enforce');
  assert.equal(fail.message, SEED_MESSAGE);
  assert.deepEqual(fail.violations, [{ path: '/spec/containers/0/image/', image: 'nginx', file: 'examples/seed/nginx-pod.yaml', line: 10, column: 14, endLine: 10, endColumn: 19 }]);
  const pass = report.results.find((x) => x.result === 'pass');
  assert.equal(pass?.resource.name, 'nginx-ecr');
  assert.equal(pass?.message, "validation rule 'validate-registries' passed.");
});

test('every failing image gets its own violation, quoted images are ranged inside the quotes', () => {
  const dir = workspace({
    'policy.yaml': seedPolicy,
    'pod.yaml': pod('multi', ['nginx', '"public.ecr.aws/a/b"', "'ghcr.io/x/y:1'"]),
  });
  const r = runCli(['check', '-o', 'json', '.'], dir);
  assert.equal(r.status, 1, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  const fail = report.results.find((x) => x.result === 'fail');
  assert.ok(fail);
  assert.equal(fail.message, SEED_MESSAGE);
  assert.deepEqual(fail.violations.map((v) => [v.path, v.image, v.line, v.column, v.endColumn]), [
    ['/spec/containers/0/image/', 'nginx', 8, 14, 19],
    ['/spec/containers/2/image/', 'ghcr.io/x/y:1', 12, 15, 28],
  ]);
});

test('a clean run exits 0', () => {
  const dir = workspace({ 'policy.yaml': seedPolicy, 'pod.yaml': pod('ok', ['public.ecr.aws/nginx/nginx:1.27']) });
  const r = runCli(['check', '.'], dir);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /pass: 1, fail: 0, warn: 0, error: 0, skip: 0/);
});

test('Audit failures are fails, and warns with --audit-warn', () => {
  const dir = workspace({ 'policy.yaml': seedPolicy.replace('validationFailureAction: Enforce', 'validationFailureAction: Audit'), 'pod.yaml': pod('p', ['nginx']) });
  const plain = runCli(['check', '-o', 'json', '.'], dir);
  assert.equal(plain.status, 1);
  assert.equal((JSON.parse(plain.stdout) as JsonReport).summary.fail, 1);
  const warned = runCli(['check', '--audit-warn', '-o', 'json', '.'], dir);
  assert.equal(warned.status, 0, warned.stdout);
  const report = JSON.parse(warned.stdout) as JsonReport;
  assert.deepEqual(report.summary, { pass: 0, fail: 0, warn: 1, error: 0, skip: 0 });
  assert.equal(report.results[0].action, 'Audit');
  const text = runCli(['check', '--audit-warn', '.'], dir);
  assert.match(text.stdout, /failed as audit warning:/);
});

test('--policy adds policies from outside the inputs', () => {
  const dir = workspace({ 'policies/p.yaml': seedPolicy, 'app/pod.yaml': pod('p', ['nginx']) });
  const r = runCli(['check', '--policy', 'policies', 'app'], dir);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.ok(r.stdout.includes('app/pod.yaml:8:14: nginx'), r.stdout);
});

test('--exclude and .registryguardignore skip files; node_modules is never read', () => {
  const dir = workspace({
    'policy.yaml': seedPolicy,
    'skipme/pod.yaml': pod('a', ['nginx']),
    'ignored/pod.yaml': pod('b', ['nginx']),
    'node_modules/x/pod.yaml': pod('c', ['nginx']),
    '.registryguardignore': '# generated output\nignored/**\n',
    'ok.yaml': pod('d', ['public.ecr.aws/x/y']),
  });
  const r = runCli(['check', '--exclude', 'skipme', '.'], dir);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /pass: 1, fail: 0/);
});

test('bad input gets an errors entry with file, line and message; other inputs are still reported; exit 2', () => {
  const dir = workspace({
    'policy.yaml': seedPolicy,
    'broken.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n',
    'binary.yaml': Buffer.from([0x61, 0x00, 0x62, 0xff]),
    'latin1.yaml': Buffer.from([0x6b, 0x3a, 0x20, 0xe9, 0x0a]),
    'pod.yaml': pod('p', ['nginx']),
  });
  const r = runCli(['check', '-o', 'json', '.', 'missing.yaml'], dir);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.equal(r.stderr, '');
  const report = JSON.parse(r.stdout) as JsonReport;
  const byFile = new Map(report.errors.map((e) => [e.file, e]));
  assert.match(byFile.get('binary.yaml')?.message ?? '', /NUL/);
  assert.match(byFile.get('latin1.yaml')?.message ?? '', /UTF-8/);
  assert.match(byFile.get('missing.yaml')?.message ?? '', /no such file/);
  const broken = byFile.get('broken.yaml');
  assert.ok(broken, JSON.stringify(report.errors));
  assert.ok(broken.line >= 4, `line ${broken.line}`);
  assert.ok(broken.column >= 1);
  assert.equal(report.summary.fail, 1, 'the good pod.yaml is still checked');
  for (const e of report.errors) assert.ok(!/\n\s+at /.test(e.message), 'no stack traces');
});

test('an invalid policy is reported with its position and the other policies keep working', () => {
  const dir = workspace({
    'good.yaml': seedPolicy,
    'bad.yaml': 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: bad\nspec:\n  rules: 17\n',
    'pod.yaml': pod('p', ['nginx']),
  });
  const r = runCli(['check', '-o', 'json', '.'], dir);
  assert.equal(r.status, 2, r.stdout);
  const report = JSON.parse(r.stdout) as JsonReport;
  assert.ok(report.errors.some((e) => e.file === 'bad.yaml' && e.line >= 1), JSON.stringify(report.errors));
  assert.equal(report.summary.fail, 1);
});

test('standard input is read with -', () => {
  const dir = workspace({ 'policy.yaml': seedPolicy });
  const r = runCli(['check', '--policy', 'policy.yaml', '-'], dir, pod('stdin', ['nginx']));
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.ok(r.stdout.includes('<stdin>:8:14: nginx'), r.stdout);
});

test('usage errors exit 2 with the usage text and no stack trace', () => {
  for (const args of [[], ['frobnicate'], ['check'], ['check', '--format', 'xml', '.'], ['check', '--nope', '.']]) {
    const r = runCli(args, repoRoot);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, /Usage:/);
    assert.ok(!r.stderr.includes('    at '), r.stderr);
  }
  const help = runCli(['--help'], repoRoot);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /registry-guard check/);
});

test('sarif output is SARIF 2.1.0 with one result per failing image', () => {
  const dir = workspace({ 'policy.yaml': seedPolicy, 'pod.yaml': pod('p', ['nginx', 'busybox']) });
  const r = runCli(['check', '--format', 'sarif', '.'], dir);
  assert.equal(r.status, 1);
  const sarif = JSON.parse(r.stdout) as { version: string; runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endColumn: number } } }[] }[] }[] };
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  assert.equal(run.tool.driver.name, 'Registry Guard');
  assert.deepEqual(run.tool.driver.rules.map((x) => x.id), ['restrict-image-registries/validate-registries']);
  assert.deepEqual(run.results.map((x) => [x.ruleId, x.level, x.locations[0].physicalLocation.artifactLocation.uri, x.locations[0].physicalLocation.region.startLine, x.locations[0].physicalLocation.region.startColumn]), [
    ['restrict-image-registries/validate-registries', 'error', 'pod.yaml', 8, 14],
    ['restrict-image-registries/validate-registries', 'error', 'pod.yaml', 10, 14],
  ]);
});

test('the inline allow-list acts as an Enforce policy over all three container lists', () => {
  const dir = workspace({ 'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n    - name: i\n      image: busybox\n  containers:\n    - name: c\n      image: public.ecr.aws/x/y\n' });
  const r = runCli(['check', '--allow-registry', 'public.ecr.aws/*', '-o', 'json', '.'], dir);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  const fail = report.results.find((x) => x.result === 'fail');
  assert.equal(fail?.action, 'Enforce');
  assert.deepEqual(fail?.violations.map((v) => [v.path, v.image]), [['/spec/initContainers/0/image/', 'busybox']]);
});


test('an image written as an alias is reported where the alias is written', () => {
  const dir = workspace({
    'policy.yaml': seedPolicy,
    'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  annotations:\n    img: &img nginx\nspec:\n  containers:\n    - name: c\n      image: *img\n',
  });
  const r = runCli(['check', '.'], dir);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.ok(r.stdout.includes('pod.yaml:10:14: nginx'), r.stdout);
});

test('failures of a policy annotated policies.kyverno.io/scored: "false" count as warnings, as kyverno apply counts them', () => {
  const unscored = seedPolicy.replace('    policies.kyverno.io/severity: medium', '    policies.kyverno.io/severity: medium\n    policies.kyverno.io/scored: "false"');
  assert.notEqual(unscored, seedPolicy);
  const dir = workspace({ 'policy.yaml': unscored, 'pod.yaml': pod('p', ['nginx']) });
  const r = runCli(['check', '-o', 'json', '.'], dir);
  assert.equal(r.status, 0, r.stdout);
  assert.deepEqual((JSON.parse(r.stdout) as JsonReport).summary, { pass: 0, fail: 0, warn: 1, error: 0, skip: 0 });
});
