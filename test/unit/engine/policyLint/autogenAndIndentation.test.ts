// Autogen annotation lints (with the workspace's workload kinds) and the lost-indentation diagnosis.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseYamlFile } from '../../../../server/src/engine/yaml/model';
import { lintPolicyFile } from '../../../../server/src/engine/policyLint';
import { applyFix, errors, lintText, only, withCode, WORKSHOP_POLICY } from './lintHelpers';

const withAnnotation = (value: string): string =>
  WORKSHOP_POLICY.replace('    policies.kyverno.io/severity: medium\n', `    policies.kyverno.io/severity: medium\n    pod-policies.kyverno.io/autogen-controllers: ${value}\n`);

test('autogen disabled while the workspace has Deployments: warning, fix removes the annotation', () => {
  const text = withAnnotation('none');
  assert.deepEqual(withCode(lintText(text), 'autogen-excludes-workloads'), [], 'no workspace information, no lint');
  assert.deepEqual(withCode(lintText(text, { workloadKinds: new Set(['Pod']) }), 'autogen-excludes-workloads'), []);
  const p = only(lintText(text, { workloadKinds: new Set(['Deployment', 'Pod']) }), 'autogen-excludes-workloads');
  assert.equal(p.severity, 'warning');
  assert.match(p.message, /^Auto-generation is disabled \(`none`\), but this workspace has `Deployment` workloads/);
  assert.equal(applyFix(text, p), WORKSHOP_POLICY);
});

test('autogen narrowed: the fix adds the kinds the workspace uses', () => {
  const text = withAnnotation('Deployment');
  const p = only(lintText(text, { workloadKinds: new Set(['Deployment', 'CronJob', 'StatefulSet']) }), 'autogen-excludes-workloads');
  assert.match(p.message, /`StatefulSet`, `CronJob`/);
  const fixed = applyFix(text, p);
  assert.ok(fixed.includes('pod-policies.kyverno.io/autogen-controllers: Deployment,StatefulSet,CronJob\n'));
  assert.deepEqual(withCode(lintText(fixed, { workloadKinds: new Set(['Deployment', 'CronJob', 'StatefulSet']) }), 'autogen-excludes-workloads'), []);
});

test('autogen list entries Kyverno ignores (spaces, case)', () => {
  const text = withAnnotation('Deployment, cronjob');
  const p = only(lintText(text), 'autogen-unknown-controller');
  assert.match(p.message, /Kyverno ignores ` cronjob`/);
  const fixed = applyFix(text, p);
  assert.ok(fixed.includes('autogen-controllers: Deployment,CronJob\n'));
  assert.deepEqual(withCode(lintText(fixed), 'autogen-unknown-controller'), []);
});

test('Kyverno\'s own warning for Pod-only rules whose autogen excludes controllers', () => {
  const p = only(lintText(withAnnotation('Deployment')), 'kyverno-autogen-exclusion');
  assert.equal(p.severity, 'warning');
  assert.match(p.message, /^Policies that match Pods apply to all Pods including those created and managed by controllers excluded from autogen\./);
  assert.deepEqual(withCode(lintText(withAnnotation('DaemonSet,Deployment,Job,StatefulSet,CronJob')), 'kyverno-autogen-exclusion'), []);
});

const flatten = (text: string): string => text.split('\n').map((l) => l.trimStart()).join('\n');

test('the workshop policy pasted flat: one clear diagnosis, nothing else', () => {
  const flat = flatten(WORKSHOP_POLICY);
  const problems = lintText(flat);
  assert.equal(problems.length, 1, JSON.stringify(problems, null, 1));
  assert.equal(problems[0].code, 'policy-indentation-lost');
  assert.equal(problems[0].message.startsWith('This looks like a Kyverno ClusterPolicy whose indentation was lost'), true);
  assert.match(problems[0].message, /`name`, `rules`, `match`, `validate` and `pattern`/);
  // The schema-guided re-indent gives the original back (offered for review, not as the preferred fix).
  assert.equal(problems[0].fix?.preferred, false);
  assert.equal(applyFix(flat, problems[0]), WORKSHOP_POLICY);
});

test('flattened variants: CRLF, lost dashes, a YAML error, several documents in a file', () => {
  const crlf = flatten(WORKSHOP_POLICY).replace(/\n/g, '\r\n');
  assert.deepEqual(lintText(crlf).map((p) => p.code), ['policy-indentation-lost']);
  // A paste that also lost the list dashes and left one line indented oddly breaks the YAML outright.
  const broken = flatten(WORKSHOP_POLICY).replace(/^- /gm, '').replace('kinds:\nPod', 'kinds:\n  Pod\n oops: [');
  const doc = parseYamlFile(broken).documents[0].parsed;
  assert.ok(doc.errors.length > 0);
  assert.deepEqual(lintText(broken).map((p) => p.code), ['policy-indentation-lost']);
  const two = `${flatten(WORKSHOP_POLICY)}---\n${WORKSHOP_POLICY}`;
  const perDoc = lintPolicyFile(parseYamlFile(two)).map((d) => d.problems.filter((p) => p.severity === 'error').map((p) => p.code));
  assert.deepEqual(perDoc, [['policy-indentation-lost'], []]);
});

test('a well-indented policy, or a flat non-policy document, is not mistaken for a flattened one', () => {
  assert.deepEqual(withCode(lintText(WORKSHOP_POLICY), 'policy-indentation-lost'), []);
  const flatConfig = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\nname: x\ndata:\nrules: a\nmatch: b\nvalidate: c\n';
  assert.deepEqual(lintText(flatConfig), []);
  // Two-space policies written with compact lists (dash at the key's column) stay valid.
  const compact = WORKSHOP_POLICY.replace(/\n( +)- /g, (_m, spaces: string) => `\n${spaces.slice(2)}- `);
  assert.deepEqual(errors(lintText(compact)), []);
});
