// CRD schema layer: types, enums, required fields, lengths, unknown fields with "did you mean", and the
// places where the CRDs say "anything goes" (patterns, conditions, status).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, errors, lintText, only, spanOf, withCode, WORKSHOP_POLICY } from './lintHelpers';
import { closestName, editDistance } from '../../../../server/src/engine/policyLint/didYouMean';
import { findSchemaRoot } from '../../../../server/src/engine/policyLint/schema';

test('the workshop policy has no schema error', () => {
  assert.deepEqual(errors(lintText(WORKSHOP_POLICY)), []);
});

test('unknown fields point at the key, suggest the closest field, and the fix renames it', () => {
  const text = WORKSHOP_POLICY.replace('      match:', '      mtach:').replace('  background: true', '  backgroud: true');
  const problems = withCode(lintText(text), 'schema-unknown-field');
  assert.deepEqual(problems.map((p) => [spanOf(text, p), p.message]), [
    ['backgroud', 'spec.backgroud: value provided for unknown field (did you mean "background"?)'],
    ['mtach', 'spec.rules[0].mtach: value provided for unknown field (did you mean "match"?)'],
  ]);
  let fixed = applyFix(text, problems[1]);
  fixed = applyFix(fixed, withCode(lintText(fixed), 'schema-unknown-field')[0]);
  assert.deepEqual(errors(lintText(fixed)), []);
});

test('an unknown field with nothing close gets no suggestion and no fix', () => {
  const text = WORKSHOP_POLICY.replace('  background: true', '  background: true\n  zzzzzz: 1');
  const p = only(lintText(text), 'schema-unknown-field');
  assert.equal(p.message, 'spec.zzzzzz: value provided for unknown field');
  assert.equal(p.fix, undefined);
});

test('patterns, anyPattern and conditions are free-form (x-kubernetes-preserve-unknown-fields)', () => {
  const text = WORKSHOP_POLICY.replace('            containers:', '            anythingGoes: {deep: [1, true, null]}\n            containers:')
    .replace('      validate:', '      preconditions:\n        all:\n          - key: "{{ request.operation }}"\n            operator: AnyIn\n            value: [CREATE]\n      validate:');
  assert.deepEqual(errors(lintText(text)), []);
});

test('enum values: the message lists the supported values; the fix picks the closest, capitalised', () => {
  const text = WORKSHOP_POLICY.replace('validationFailureAction: Enforce', 'validationFailureAction: Enforced');
  const p = only(lintText(text), 'schema-enum');
  assert.equal(p.message, 'spec.validationFailureAction: Unsupported value: "Enforced": supported values: "audit", "enforce", "Audit", "Enforce"');
  assert.equal(spanOf(text, p), 'validationFailureAction');
  assert.deepEqual(p.fix?.edits.map((e) => e.newText), ['Enforce']);
  assert.deepEqual(errors(lintText(applyFix(text, p))), []);
});

test('types: YAML 1.1 booleans are booleans for Kubernetes; strings and numbers are checked', () => {
  assert.deepEqual(errors(lintText(WORKSHOP_POLICY.replace('background: true', 'background: yes'))), []);
  const quoted = WORKSHOP_POLICY.replace('background: true', 'background: "true"');
  assert.equal(only(lintText(quoted), 'schema-type').message, 'spec.background: Invalid value: "string": spec.background in body must be of type boolean: "true"');
  const list = WORKSHOP_POLICY.replace('      match:\n', '      match: [Pod]\n').replace(/ {8}any:\n {10}- resources:\n {14}kinds:\n {16}- Pod\n/, '');
  assert.equal(only(lintText(list), 'schema-type').message, 'spec.rules[0].match: Invalid value: "array": spec.rules[0].match in body must be of type object: "array"');
  const timeout = WORKSHOP_POLICY.replace('  background: true', '  background: true\n  webhookTimeoutSeconds: 1.5');
  assert.match(only(lintText(timeout), 'schema-type').message, /must be of type integer/);
});

test('maxLength: rule names longer than 63 bytes', () => {
  const name = 'r'.repeat(64);
  const text = WORKSHOP_POLICY.replace('- name: validate-registries', `- name: ${name}`);
  const p = only(lintText(text), 'schema-too-long');
  assert.equal(p.message, 'spec.rules[0].name: Too long: may not be more than 63 bytes');
  assert.deepEqual(withCode(lintText(WORKSHOP_POLICY.replace('- name: validate-registries', `- name: ${'r'.repeat(63)}`)), 'schema-too-long'), []);
});

test('not/required constraints use Kyverno\'s wording: any with all, name with names', () => {
  const both = WORKSHOP_POLICY.replace('      match:\n        any:', '      match:\n        all:\n          - resources:\n              kinds: [Pod]\n        any:');
  assert.equal(only(lintText(both), 'schema-not').message, "spec.rules[0].match: Can't specify any and all together");
  const names = WORKSHOP_POLICY.replace('                - Pod\n', '                - Pod\n              name: a\n              names: [b]\n');
  assert.equal(only(lintText(names), 'schema-not').message, 'spec.rules[0].match.any[0].resources: Both name and names can not be specified together');
});

test('context entries need exactly one source (CRD oneOf)', () => {
  const text = WORKSHOP_POLICY.replace('      validate:', '      context:\n        - name: cm\n      validate:');
  assert.equal(only(lintText(text), 'schema-one-of').message,
    'spec.rules[0].context[0]: exactly one of configMap or apiCall or imageRegistry or variable or globalReference is required for context entries');
});

test('metadata: ObjectMeta fields, string labels and annotations', () => {
  const text = WORKSHOP_POLICY.replace('  name: restrict-image-registries\n', '  name: restrict-image-registries\n  lables:\n    a: b\n  labels:\n    tier: 1\n');
  const problems = lintText(text);
  assert.equal(only(problems, 'schema-unknown-field').message, 'metadata.lables: value provided for unknown field (did you mean "labels"?)');
  assert.equal(only(problems, 'schema-type').message, 'metadata.labels[tier]: Invalid value: "integer": metadata.labels[tier] in body must be of type string');
});

test('a null value counts as absent (pruned by the API server): exclude: is fine, match: is Required', () => {
  assert.deepEqual(errors(lintText(WORKSHOP_POLICY.replace('      validate:', '      exclude:\n      validate:'))), []);
  const text = WORKSHOP_POLICY.replace(/ {6}match:\n {8}any:\n {10}- resources:\n {14}kinds:\n {16}- Pod\n/, '      match:\n');
  assert.equal(only(lintText(text), 'schema-required').message, 'spec.rules[0].match: Required value');
});

test('unknown API version of a Kyverno kind', () => {
  const text = WORKSHOP_POLICY.replace('apiVersion: kyverno.io/v1', 'apiVersion: kyverno.io/v3');
  const problems = lintText(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].message, 'no matches for kind "ClusterPolicy" in version "kyverno.io/v3" (served versions: kyverno.io/v1, kyverno.io/v2beta1)');
  assert.equal(spanOf(text, problems[0]), 'apiVersion');
});

test('deprecated fields (from the CRD descriptions) get a hint', () => {
  const text = WORKSHOP_POLICY.replace('  background: true', '  background: true\n  failurePolicy: Fail');
  const p = only(lintText(text), 'schema-deprecated-field');
  assert.equal(p.severity, 'hint');
  assert.match(p.message, /^spec\.failurePolicy: Deprecated, use failurePolicy under the webhookConfiguration instead/);
});

test('non-policy documents and chainsaw assertions are not judged', () => {
  assert.deepEqual(lintText('apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers: [{name: a, image: nginx}]\n'), []);
  assert.deepEqual(lintText('apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: x\nstatus:\n  ready: true\n'), []);
});

test('CRD roots exist for every served version', () => {
  for (const [apiVersion, kind] of [['kyverno.io/v1', 'ClusterPolicy'], ['kyverno.io/v2beta1', 'Policy'], ['kyverno.io/v2', 'PolicyException'], ['policies.kyverno.io/v1', 'ValidatingPolicy']]) {
    assert.ok(findSchemaRoot(apiVersion, kind), `${apiVersion} ${kind}`);
  }
});

test('did-you-mean: optimal string alignment distance and thresholds', () => {
  assert.equal(editDistance('valdiate', 'validate'), 1);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(closestName('valdiate', ['validate', 'mutate', 'generate']), 'validate');
  assert.equal(closestName('Validate', ['validate']), 'validate');
  assert.equal(closestName('xyz', ['validate', 'match']), undefined);
});
