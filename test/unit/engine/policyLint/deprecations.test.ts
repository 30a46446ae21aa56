// Deprecations: lower-case failure actions, the spec-level validationFailureAction (moved into each rule by
// the fix, with Kyverno's resolution order unchanged), deprecated API versions and the legacy kinds.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, docOf, errors, lintText, only, spanOf, withCode, WORKSHOP_POLICY } from './lintHelpers';

/** Kyverno's resolution without overrides (§5.2): the rule's failureAction, else spec.validationFailureAction. */
function effectiveActions(text: string): string[] {
  const js = docOf(text).toJS() as { spec: { validationFailureAction?: string; rules: { validate?: { failureAction?: string } }[] } };
  return js.spec.rules.map((r) => {
    const a = r.validate?.failureAction ?? js.spec.validationFailureAction ?? 'Audit';
    return a === 'Enforce' || a === 'enforce' ? 'Enforce' : 'Audit';
  });
}

test('ClusterPolicy is deprecated (Kyverno 1.18): a hint with the migration guide', () => {
  const p = only(lintText(WORKSHOP_POLICY), 'deprecated-policy-kind');
  assert.equal(p.severity, 'hint');
  assert.equal(spanOf(WORKSHOP_POLICY, p), 'kind');
  assert.equal(p.message, 'ClusterPolicy (kyverno.io) is deprecated and will be removed in a future release; migrate to ValidatingPolicy, MutatingPolicy, GeneratingPolicy or ImageValidatingPolicy (policies.kyverno.io), see https://kyverno.io/docs/guides/migration-to-cel/');
});

test('spec-level validationFailureAction: the fix moves it into every validate rule', () => {
  const text = WORKSHOP_POLICY + `    - name: second
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        failureAction: Audit
        message: "labels"
        pattern:
          metadata:
            labels:
              app: "?*"
    - name: third
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "no latest"
        pattern:
          spec:
            containers:
              - image: "!*:latest"
`;
  const before = effectiveActions(text);
  assert.deepEqual(before, ['Enforce', 'Audit', 'Enforce']);
  const p = only(lintText(text), 'deprecated-spec-failure-action');
  assert.equal(spanOf(text, p), 'validationFailureAction');
  const fixed = applyFix(text, p);
  assert.ok(!/^ {2}validationFailureAction:/m.test(fixed));
  assert.deepEqual(effectiveActions(fixed), before);
  assert.equal((fixed.match(/ {8}failureAction: Enforce\n/g) ?? []).length, 2);
  assert.deepEqual(errors(lintText(fixed)), []);
  assert.deepEqual(withCode(lintText(fixed), 'deprecated-spec-failure-action'), []);
});

test('no move when spec-level overrides exist (they sit between the two in the resolution order)', () => {
  const text = WORKSHOP_POLICY.replace('  background: true', '  background: true\n  validationFailureActionOverrides:\n    - action: Audit\n      namespaces: [dev]');
  const p = only(lintText(text), 'deprecated-spec-failure-action');
  assert.equal(p.fix, undefined);
});

test('lower-case actions: Kyverno\'s warning, fixed by capitalising', () => {
  const text = WORKSHOP_POLICY.replace('validationFailureAction: Enforce', 'validationFailureAction: enforce');
  const p = only(lintText(text), 'kyverno-lowercase-action');
  assert.equal(p.severity, 'warning');
  assert.equal(p.message, 'Validation failure actions enforce/audit are deprecated, use Enforce/Audit instead.');
  assert.equal(applyFix(text, p), WORKSHOP_POLICY);
});

test('deprecated served versions: a warning and a fix to the current version', () => {
  const text = `apiVersion: kyverno.io/v2beta1
kind: PolicyException
metadata:
  name: ex
  namespace: kyverno
spec:
  exceptions:
    - policyName: restrict-image-registries
      ruleNames: [validate-registries]
  match:
    any:
      - resources:
          kinds: [Pod]
`;
  const p = only(lintText(text), 'deprecated-api-version');
  assert.equal(p.message, 'kyverno.io/v2beta1 PolicyException is deprecated; use kyverno.io/v2 PolicyException');
  const fixed = applyFix(text, p);
  assert.ok(fixed.startsWith('apiVersion: kyverno.io/v2\n'));
  assert.deepEqual(withCode(lintText(fixed), 'deprecated-api-version'), []);
});
