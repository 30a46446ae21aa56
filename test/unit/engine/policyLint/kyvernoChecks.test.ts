// Kyverno's programmatic policy validation (§6), message by message, each at the key it is about.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, errors, lintText, only, spanOf, withCode, WORKSHOP_POLICY } from './lintHelpers';

const RULE2 = `    - name: second
      match:
        any:
          - resources:
              kinds:
                - Pod
      validate:
        message: "m"
        pattern:
          metadata:
            labels:
              app: "?*"
`;

test('duplicate rule names', () => {
  const text = WORKSHOP_POLICY + RULE2.replace('name: second', 'name: validate-registries');
  const p = only(lintText(text), 'kyverno-duplicate-rule-name');
  assert.equal(p.message, "spec.rules[1].name: Duplicate rule name: 'validate-registries'");
  assert.equal(p.start, text.lastIndexOf('name: validate-registries'));
  assert.deepEqual(withCode(lintText(WORKSHOP_POLICY + RULE2), 'kyverno-duplicate-rule-name'), []);
});

test('no operation, several operations', () => {
  const none = WORKSHOP_POLICY.replace(/ {6}validate:[^]*$/, '');
  assert.equal(only(lintText(none), 'kyverno-no-operation').message,
    "spec.rules[0]: No operation defined in the rule 'validate-registries'.(supported operations: mutate,validate,generate,verifyImages)");
  const two = WORKSHOP_POLICY.replace('      validate:', '      mutate:\n        patchStrategicMerge:\n          metadata:\n            labels:\n              a: b\n      validate:');
  const p = only(lintText(two), 'kyverno-multiple-operations');
  assert.equal(p.message, "spec.rules[0]: Multiple operations defined in the rule 'validate-registries', only one operation (mutate,validate,generate,verifyImages) is allowed per rule");
  assert.equal(spanOf(two, p), 'validate');
});

test('validate needs exactly one of pattern, anyPattern, deny, foreach, cel', () => {
  const none = WORKSHOP_POLICY.replace(/ {8}pattern:[^]*$/, '');
  assert.equal(only(lintText(none), 'kyverno-validate-none').message, 'path: spec.rules[0].validate..: one of pattern, anyPattern, deny, foreach, cel must be specified');
  const two = WORKSHOP_POLICY.replace('        pattern:', '        deny: {}\n        pattern:');
  assert.equal(only(lintText(two), 'kyverno-validate-several').message, 'path: spec.rules[0].validate..: only one of pattern, anyPattern, deny, foreach, cel can be specified');
});

test('anchors in validate patterns: +() is unsupported, ^() needs a non-empty list', () => {
  const plus = WORKSHOP_POLICY.replace('              - image:', '              - +(image):');
  const p = only(lintText(plus), 'kyverno-unsupported-anchor');
  assert.equal(p.message, 'path: spec.rules[0].validate.pattern.//spec/containers0//+(image).: unsupported anchor +(image)');
  assert.equal(spanOf(plus, p), '+(image)');
  const existenceMap = WORKSHOP_POLICY.replace('            containers:\n              - image: "public.ecr.aws/*"', '            ^(containers):\n              image: "public.ecr.aws/*"');
  assert.equal(only(lintText(existenceMap), 'kyverno-existence-anchor').message, 'path: spec.rules[0].validate.pattern.//spec/^(containers).: existence anchor should have value of type list');
  const existenceEmpty = WORKSHOP_POLICY.replace('            containers:\n              - image: "public.ecr.aws/*"', '            ^(containers): []');
  assert.equal(only(lintText(existenceEmpty), 'kyverno-existence-anchor').message, 'path: spec.rules[0].validate.pattern.//spec/^(containers).: existence anchor: should have at least one value');
  for (const ok of ['(image)', '=(image)', 'X(image)', '<(image)']) {
    assert.deepEqual(errors(lintText(WORKSHOP_POLICY.replace('              - image:', `              - ${ok}:`))), [], ok);
  }
});

test('autogen-controllers: all is Forbidden; the fix removes the annotation', () => {
  const text = WORKSHOP_POLICY.replace('    policies.kyverno.io/severity: medium\n', '    policies.kyverno.io/severity: medium\n    pod-policies.kyverno.io/autogen-controllers: all\n');
  const p = only(lintText(text), 'kyverno-autogen-all');
  const fixed = applyFix(text, p);
  assert.equal(fixed, WORKSHOP_POLICY);
});

test('ClusterPolicy with metadata.namespace', () => {
  const text = WORKSHOP_POLICY.replace('  name: restrict-image-registries\n', '  name: restrict-image-registries\n  namespace: default\n');
  const p = only(lintText(text), 'kyverno-clusterpolicy-namespace');
  assert.equal(p.message, 'A clusterpolicy should not have the namespace defined');
  assert.equal(spanOf(text, p), 'namespace');
});

test('namespaced Policy: namespaces filter, cluster-wide kinds, validationFailureActionOverrides', () => {
  const policy = WORKSHOP_POLICY.replace('kind: ClusterPolicy', 'kind: Policy').replace('  name: restrict-image-registries\n', '  name: restrict-image-registries\n  namespace: team\n');
  assert.deepEqual(errors(lintText(policy)), []);
  const ns = policy.replace('                - Pod\n', '                - Pod\n                - Namespace\n                - rbac.authorization.k8s.io/v1/ClusterRole\n              namespaces: [team]\n');
  const problems = lintText(ns);
  assert.equal(only(problems, 'kyverno-namespaces-in-policy').message, 'spec.rules[0].match.any[0].resources.namespaces: Forbidden: Filtering namespaces not allowed in namespaced policies');
  assert.deepEqual(withCode(problems, 'kyverno-cluster-kind-in-policy').map((p) => [p.message, spanOf(ns, p)]), [
    ["spec.rules[0].match.any[0].resources.kinds[1]: Forbidden: Cluster wide resource 'Namespace' not allowed in namespaced policy", 'Namespace'],
    ["spec.rules[0].match.any[0].resources.kinds[2]: Forbidden: Cluster wide resource 'rbac.authorization.k8s.io/v1/ClusterRole' not allowed in namespaced policy", 'rbac.authorization.k8s.io/v1/ClusterRole'],
  ]);
  const overrides = policy.replace('  background: true', '  background: true\n  validationFailureActionOverrides:\n    - action: Audit\n      namespaces: [team]');
  assert.equal(only(lintText(overrides), 'kyverno-overrides-in-policy').message, 'spec.validationFailureActionOverrides: Forbidden: Use of validationFailureActionOverrides is supported only with ClusterPolicy');
});

test('match and exclude selecting the same resources: "Rule is matching an empty set"', () => {
  const text = WORKSHOP_POLICY.replace('      validate:', '      exclude:\n        any:\n          - resources:\n              kinds:\n                - Pod\n      validate:');
  const p = only(lintText(text), 'kyverno-empty-set');
  assert.equal(p.message, 'spec.rules[0]: Rule is matching an empty set');
  assert.equal(spanOf(text, p), 'exclude');
  const narrower = text.replace('                - Pod\n      validate:', '                - Pod\n              namespaces: [kube-system]\n      validate:');
  assert.deepEqual(withCode(lintText(narrower), 'kyverno-empty-set'), []);
});

test('admission and background both disabled; webhook timeout range', () => {
  const both = WORKSHOP_POLICY.replace('  background: true', '  background: false\n  admission: false');
  assert.equal(only(lintText(both), 'kyverno-admission-background').message, 'disabling both admission and background processing is not allowed');
  const timeout = WORKSHOP_POLICY.replace('  background: true', '  background: true\n  webhookTimeoutSeconds: 45');
  assert.equal(only(lintText(timeout), 'kyverno-webhook-timeout').message, 'spec.webhookTimeoutSeconds: Invalid value: 45: the timeout value must be between 1 and 30 seconds');
});

test('variables in match or exclude', () => {
  const text = WORKSHOP_POLICY.replace('                - Pod', '                - "{{ request.object.kind }}"');
  assert.equal(only(lintText(text), 'kyverno-variables-in-match').message, 'rule "validate-registries" should not have variables in match section');
});

test('user information needs background: false', () => {
  const text = WORKSHOP_POLICY.replace('        message: "Unknown Image registry."', '        message: "{{ request.userInfo.username }} may not"');
  assert.equal(only(lintText(text), 'kyverno-background-variables').message,
    'only select variables are allowed in background mode. Set spec.background=false to disable background mode for this policy rule: variable {{ request.userInfo.username }} is not allowed ');
  assert.deepEqual(withCode(lintText(text.replace('background: true', 'background: false')), 'kyverno-background-variables'), []);
  const roles = WORKSHOP_POLICY.replace('          - resources:\n', '          - clusterRoles: [admin]\n            resources:\n');
  assert.equal(only(lintText(roles), 'kyverno-background-userinfo').message,
    'only select variables are allowed in background mode. Set spec.background=false to disable background mode for this policy rule: invalid variable used at path: spec/rules[0]/match/any[0]/clusterRoles ');
});

test('wildcard kinds in background mode', () => {
  const text = WORKSHOP_POLICY.replace('                - Pod', '                - "*"');
  assert.equal(only(lintText(text), 'kyverno-wildcard-kind').message,
    'path: spec.rules[0].match.any[0].kinds: wildcard policy not allowed in background mode. Set spec.background=false to disable background mode for this policy rule ');
});

test('conditions: incomplete entries, unknown operators, request.operation values, deprecated In/NotIn', () => {
  const deny = (cond: string): string => WORKSHOP_POLICY.replace(/ {8}pattern:[^]*$/, `        deny:\n          conditions:\n            any:\n${cond}`);
  assert.equal(only(lintText(deny('              - key: "{{ request.operation }}"\n                operator: Equals\n')), 'kyverno-condition-incomplete').message,
    'path: spec.rules[0].validate.deny.conditions.any[0].: entered value of `key`, `value` or `operator` is missing or misspelled');
  assert.match(only(lintText(deny('              - key: a\n                operator: Equalz\n                value: b\n')), 'kyverno-condition-operator').message,
    /^path: spec\.rules\[0\]\.validate\.deny\.conditions\.any\[0\]\.: entered value of `operator` is invalid\. valid values: \["AllIn" "AllNotIn" "AnyIn"/);
  assert.equal(only(lintText(deny('              - key: "{{request.operation}}"\n                operator: AnyIn\n                value: [CREATE, DELET]\n')), 'kyverno-condition-operation').message,
    "path: spec.rules[0].validate.deny.conditions.any[0].value[1]: unknown value 'DELET' found under the 'value' field. Only the following values are allowed: [CREATE, UPDATE, DELETE, CONNECT]");
  const deprecated = deny('              - key: "{{ request.object.metadata.name }}"\n                operator: NotIn\n                value: [a]\n');
  const p = only(lintText(deprecated), 'kyverno-deprecated-operator');
  assert.equal(p.severity, 'warning');
  assert.equal(p.message, 'Operator NotIn has been deprecated and will be removed soon. Use these instead: ["AllNotIn" "AnyNotIn"]');
  assert.equal(spanOf(deprecated, p), 'operator');
});

test('context entries: name, reserved names, configMap and imageRegistry details', () => {
  const ctx = (entry: string): string => WORKSHOP_POLICY.replace('      validate:', `      context:\n${entry}      validate:`);
  assert.equal(only(lintText(ctx('        - name: request\n          variable:\n            value: 1\n')), 'kyverno-context').message,
    'path: spec.rules[0]: entry name request is invalid as it conflicts with a pre-defined variable request');
  assert.equal(only(lintText(ctx('        - name: cm\n          configMap:\n            name: x\n')), 'kyverno-context').message,
    'path: spec.rules[0]: a namespace is required for configMap context entry');
  assert.equal(only(lintText(ctx('        - name: img\n          imageRegistry:\n            reference: "UPPER/Case"\n')), 'kyverno-context').message,
    'path: spec.rules[0]: bad image: UPPER/Case: repository name must be lowercase');
  assert.deepEqual(withCode(lintText(ctx('        - name: img\n          imageRegistry:\n            reference: "{{ element.image }}"\n')), 'kyverno-context'), []);
  assert.match(only(lintText(ctx('        - name: v\n          variable:\n            jmesPath: "request.object.spec[?"\n')), 'kyverno-context').message,
    /^path: spec\.rules\[0\]: failed to parse JMESPath request\.object\.spec\[\?: /);
  assert.deepEqual(withCode(lintText(ctx('        - name: v\n          variable:\n            jmesPath: "request.object.spec.containers[].image"\n')), 'kyverno-context'), []);
});

test('match without kinds', () => {
  const text = WORKSHOP_POLICY.replace('              kinds:\n                - Pod\n', '              namespaces: [a]\n');
  assert.equal(only(lintText(text), 'kyverno-no-kinds').message, 'policy can only deal with the metadata field of the resource if the rule does not match any kind');
});

test('label values in patterns must be strings', () => {
  const text = WORKSHOP_POLICY + RULE2.replace('app: "?*"', 'app: 1');
  assert.equal(only(lintText(text), 'kyverno-label-values').message, 'labels and annotations supports only string values, "use double quotes around the non string values"');
});

test('a rule with a schema error is not also judged by the programmatic checks', () => {
  const text = WORKSHOP_POLICY.replace('      validate:', '      valdiate:');
  const problems = errors(lintText(text));
  assert.deepEqual(problems.map((p) => p.code), ['schema-unknown-field']);
});
