import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer, PolicyStore } from '../../../../server/src/engine/analysis';
import { parseYamlFile, updateYamlFile } from '../../../../server/src/engine/yaml/model';
import { repoRoot } from '../../../support/paths';

const seedPolicy = fs.readFileSync(path.join(repoRoot, 'examples', 'seed', 'restrict-image-registries.yaml'), 'utf8');

function storeWithSeed(): PolicyStore {
  const store = new PolicyStore();
  assert.equal(store.setFile('policy.yaml', seedPolicy), true);
  return store;
}

const twoPods = [
  'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: a', 'spec:', '  containers:', '    - name: c', '      image: nginx', '    - name: d', '      image: "ghcr.io/x/y:1"',
  '---',
  'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: b', 'spec:', '  containers:', '    - name: c', '      image: public.ecr.aws/nginx/nginx', '',
].join('\n');

test('one finding per failing image, at the image text inside the quotes, with the policy message', () => {
  const analyzer = new Analyzer(storeWithSeed());
  const yaml = parseYamlFile(twoPods);
  const a = analyzer.analyze('pods.yaml', yaml);
  assert.equal(a.kind, 'manifest');
  assert.deepEqual(a.findings.map((f) => [f.image, twoPods.slice(f.start, f.end), f.action, f.policy, f.rule, f.path]), [
    ['nginx', 'nginx', 'Enforce', 'restrict-image-registries', 'validate-registries', '/spec/containers/0/image/'],
    ['ghcr.io/x/y:1', 'ghcr.io/x/y:1', 'Enforce', 'restrict-image-registries', 'validate-registries', '/spec/containers/1/image/'],
  ]);
  assert.equal(a.findings[0].policyMessage, 'Unknown Image registry.');
  assert.equal(a.findings[0].message, 'validation error: Unknown Image registry. rule validate-registries failed at path /spec/containers/0/image/');
  assert.equal(a.findings[0].ruleSource?.file, 'policy.yaml');
  assert.deepEqual(a.results.map((r) => [r.resource.name, r.status]), [['a', 'fail'], ['b', 'pass']]);
});

test('an edit in one document re-evaluates only that document; offsets of later documents move with it', () => {
  const analyzer = new Analyzer(storeWithSeed());
  const first = parseYamlFile(twoPods);
  const before = analyzer.analyze('pods.yaml', first);
  const at = twoPods.indexOf('name: a') + 'name: '.length;
  const second = updateYamlFile(first, { start: at, end: at + 1, text: 'aaaa' });
  assert.equal(second.documents[1].parsed, first.documents[1].parsed, 'the untouched document is reused');
  const after = analyzer.analyze('pods.yaml', second);
  assert.deepEqual(after.results.map((r) => [r.resource.name, r.status]), [['aaaa', 'fail'], ['b', 'pass']]);
  assert.equal(after.findings[0].start, before.findings[0].start + 3);
  assert.equal(second.text.slice(after.findings[1].start, after.findings[1].end), 'ghcr.io/x/y:1');
});

test('a policy change re-evaluates every document at once', () => {
  const store = storeWithSeed();
  const analyzer = new Analyzer(store);
  const yaml = parseYamlFile(twoPods);
  assert.equal(analyzer.analyze('pods.yaml', yaml).findings[0].action, 'Enforce');
  store.setFile('policy.yaml', seedPolicy.replace('validationFailureAction: Enforce', 'validationFailureAction: Audit'));
  assert.deepEqual(analyzer.analyze('pods.yaml', yaml).findings.map((f) => f.action), ['Audit', 'Audit']);
  store.removeFile('policy.yaml');
  assert.deepEqual(analyzer.analyze('pods.yaml', yaml).findings, []);
});

test('a broken document gives one syntax notice and the other documents keep their findings', () => {
  const analyzer = new Analyzer(storeWithSeed());
  const text = twoPods.replace('  name: b', '  name: [b');
  const a = analyzer.analyze('pods.yaml', parseYamlFile(text));
  assert.equal(a.notices.filter((n) => n.code === 'yaml-syntax').length, 1);
  assert.deepEqual(a.findings.map((f) => f.image), ['nginx', 'ghcr.io/x/y:1']);
});

test('files that are not Kubernetes manifests raise nothing', () => {
  const analyzer = new Analyzer(storeWithSeed());
  const compose = 'services:\n  web:\n    image: nginx\n';
  const workflow = 'on: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    container:\n      image: node:20\n';
  for (const text of [compose, workflow]) {
    const a = analyzer.analyze('x.yaml', parseYamlFile(text));
    assert.equal(a.kind, 'other');
    assert.deepEqual([a.findings, a.notices], [[], []]);
  }
});

test('a Helm template is skipped with exactly one hint', () => {
  const analyzer = new Analyzer(storeWithSeed());
  const chart = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n    - name: c\n      image: "{{ .Values.image }}"\n{{- if .Values.sidecar }}\n    - name: s\n      image: nginx\n{{- end }}\n';
  const a = analyzer.analyze('templates/pod.yaml', parseYamlFile(chart));
  assert.equal(a.kind, 'helm-template');
  assert.deepEqual(a.findings, []);
  assert.equal(a.notices.length, 1);
  assert.equal(a.notices[0].severity, 'hint');
});

test('a quoted template value in one document skips that document only, with one hint', () => {
  const analyzer = new Analyzer(storeWithSeed());
  const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\nspec:\n  containers:\n    - name: c\n      image: "{{ .Values.image }}"\n---\n' + twoPods;
  const a = analyzer.analyze('mixed.yaml', parseYamlFile(text));
  assert.deepEqual(a.findings.map((f) => f.image), ['nginx', 'ghcr.io/x/y:1']);
  assert.equal(a.notices.filter((n) => n.severity === 'hint').length, 1);
});

test('a file over the size limit is not evaluated and says which setting lifts the limit', () => {
  const analyzer = new Analyzer(storeWithSeed(), { maxFileBytes: 100, maxFileSetting: 'registryGuard.maxFileSize' });
  const a = analyzer.analyze('big.yaml', parseYamlFile(twoPods));
  assert.deepEqual(a.findings, []);
  assert.equal(a.notices.length, 1);
  assert.equal(a.notices[0].severity, 'info');
  assert.match(a.notices[0].message, /registryGuard\.maxFileSize/);
});

test('the inline allow-list is an Enforce policy over all three container lists, and can be removed', () => {
  const store = new PolicyStore();
  store.setAllowedRegistries(['public.ecr.aws/*', '  ']);
  const analyzer = new Analyzer(store);
  const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      initContainers:\n        - name: i\n          image: busybox\n      containers:\n        - name: c\n          image: public.ecr.aws/x/y\n';
  const a = analyzer.analyze('d.yaml', parseYamlFile(text));
  assert.deepEqual(a.findings.map((f) => [f.policy, f.rule, f.action, f.image, f.path]), [
    ['registryguard-allowed-registries', 'autogen-allowed-registries', 'Enforce', 'busybox', '/spec/template/spec/initContainers/0/image/'],
  ]);
  const version = store.version;
  store.setAllowedRegistries(['public.ecr.aws/*']);
  assert.equal(store.version, version, 'the same list is not a change');
  store.setAllowedRegistries([]);
  assert.deepEqual(analyzer.analyze('d.yaml', parseYamlFile(text)).findings, []);
});
