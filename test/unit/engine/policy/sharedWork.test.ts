// Evaluation shares work between the policies that judge one resource (the `images` variable, the
// locator's identity index) and between resources (parsed conditions, validator specs, image infos),
// and builds some of it only when a rule needs it. Whatever the order in which rules ask for shared
// work, each result must be what that rule gives on its own.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseYamlFile } from '../../../../server/src/engine/yaml/model';
import { PolicySet, evaluateParsedDocument, type RuleResult } from '../../../../server/src/engine/policy';
import { copyRecord } from '../../../../server/src/engine/policy/selector';

/** Files named after the policy, so a policy's results do not depend on its position in the set. */
function policySet(...texts: string[]): PolicySet {
  return PolicySet.fromDocuments(texts.map((t) => ({ file: `${/name: (\S+)/.exec(t)?.[1]}.yaml`, yaml: parseYamlFile(t) })));
}

function evaluate(set: PolicySet, text: string): RuleResult[] {
  return evaluateParsedDocument(set, parseYamlFile(text).documents[0].parsed);
}

function byPolicy(results: RuleResult[], policy: string): RuleResult[] {
  return results.filter((r) => r.policy === policy);
}

function spans(text: string, r: RuleResult): string[] {
  return r.violations.map((v) => text.slice(v.start, v.end));
}

const clusterPolicy = (name: string, validate: string, kinds = 'Pod'): string => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ${name}
spec:
  validationFailureAction: Enforce
  rules:
  - name: ${name}-rule
    match:
      any:
      - resources:
          kinds: [${kinds}]
    validate:
${validate}`;

const tagPattern = clusterPolicy('tag-required', `      message: "A tag is required."
      pattern:
        spec:
          containers:
          - image: "*:*"
`);

const registryDeny = clusterPolicy('known-registries', `      message: "Unknown registry {{ images.containers.*.registry }}."
      deny:
        conditions:
          any:
          - key: "{{ images.containers.*.registry }}"
            operator: AnyNotIn
            value: [public.ecr.aws, ghcr.io]
`);

const pointerDeny = clusterPolicy('pointer', `      message: "{{ images.containers.web.jsonPointer }}"
      deny:
        conditions:
          all:
          - key: "{{ images.containers.web.name }}"
            operator: Equals
            value: nginx
`, 'Pod, Deployment');

const foreachDeny = (name: string, registry: string): string => clusterPolicy(name, `      message: "No ${registry}."
      foreach:
      - list: "request.object.spec.containers"
        deny:
          conditions:
            any:
            - key: "{{ images.containers.\\"{{element.name}}\\".registry }}"
              operator: Equals
              value: ${registry}
`);

const foreachPattern = clusterPolicy('pull-always', `      message: "Pull always."
      foreach:
      - list: "request.object.spec.containers"
        pattern:
          imagePullPolicy: Always
`);

const pod = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: a
    image: public.ecr.aws/a:1
    imagePullPolicy: Always
  - name: b
    image: nginx
    imagePullPolicy: Never
  - name: c
    image: "quay.io/c:2"
    imagePullPolicy: Always
  - name: d
    image: nginx
`;

test('a rule that reads `images` after rules that do not, on the same resource, sees the full variable', () => {
  const alone = evaluate(policySet(registryDeny), pod);
  for (const order of [[tagPattern, registryDeny], [registryDeny, tagPattern], [tagPattern, foreachPattern, registryDeny]]) {
    const results = evaluate(policySet(...order), pod);
    assert.deepEqual(byPolicy(results, 'known-registries'), alone);
  }
  const [deny] = alone;
  assert.equal(deny.status, 'fail');
  assert.equal(deny.message, 'Unknown registry ["public.ecr.aws","docker.io","quay.io","docker.io"].');
  assert.deepEqual(spans(pod, deny), ['nginx', 'quay.io/c:2', 'nginx']);
  // And the rule that never reads `images` is unaffected by one that does, before or after it.
  assert.deepEqual(byPolicy(evaluate(policySet(registryDeny, tagPattern), pod), 'tag-required'), evaluate(policySet(tagPattern), pod));
});

test('image details remembered per image text keep each resource\'s own container name and pointer', () => {
  const set = policySet(pointerDeny);
  const podText = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: web, image: nginx}\n';
  const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: other, image: nginx}\n      - {name: web, image: nginx}\n';
  assert.deepEqual(evaluate(set, podText).map((r) => [r.status, r.message]), [['fail', '/spec/containers/0/image']]);
  assert.deepEqual(evaluate(set, deployment).map((r) => [r.rule, r.status, r.message]), [['pointer-rule', 'fail', '/spec/template/spec/containers/1/image']]);
  assert.deepEqual(evaluate(set, podText).map((r) => r.message), ['/spec/containers/0/image']);
});

test('foreach failures of several policies on one resource are each located at their own elements', () => {
  const set = policySet(foreachPattern, foreachDeny('no-docker-hub', 'docker.io'), foreachDeny('no-quay', 'quay.io'));
  const results = evaluate(set, pod);
  const [pull] = byPolicy(results, 'pull-always');
  const [hub] = byPolicy(results, 'no-docker-hub');
  const [quay] = byPolicy(results, 'no-quay');
  assert.deepEqual(spans(pod, pull), ['Never', 'nginx']);
  assert.deepEqual(pull.violations.map((v) => v.path), ['/spec/containers/1/imagePullPolicy/', '/spec/containers/3/imagePullPolicy/']);
  assert.deepEqual(spans(pod, hub), ['nginx', 'nginx']);
  assert.deepEqual(hub.violations.map((v) => v.path), ['/spec/containers/1/image/', '/spec/containers/3/image/']);
  assert.deepEqual(spans(pod, quay), ['quay.io/c:2']);
  // Each policy alone locates exactly the same.
  assert.deepEqual(evaluate(policySet(foreachDeny('no-quay', 'quay.io')), pod), [quay]);
  assert.deepEqual(evaluate(policySet(foreachPattern), pod), [pull]);
});

test('an element written once and aliased is located where it is first met', () => {
  const text = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
  - &shared {name: init, image: nginx}
  containers:
  - {name: a, image: ghcr.io/a}
  - *shared
`;
  const [hub] = evaluate(policySet(foreachDeny('no-docker-hub', 'docker.io')), text);
  assert.equal(hub.status, 'fail');
  assert.deepEqual(hub.violations.map((v) => v.path), ['/spec/initContainers/0/image/']);
});

test('conditions shared between resources are evaluated against each resource', () => {
  const set = policySet(registryDeny);
  const good = 'apiVersion: v1\nkind: Pod\nmetadata: {name: g}\nspec:\n  containers:\n  - {name: a, image: ghcr.io/a}\n';
  const bad = 'apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers:\n  - {name: a, image: nginx}\n';
  const statuses = [good, bad, good, bad].map((t) => evaluate(set, t)[0].status);
  assert.deepEqual(statuses, ['pass', 'fail', 'pass', 'fail']);
});

test('violations located once per resource are handed out as copies: details and alternatives never leak', () => {
  const anyPattern = clusterPolicy('ecr-only', `      message: "ECR only."
      anyPattern:
      - spec:
          containers:
          - image: "public.ecr.aws/*"
      - spec:
          containers:
          - image: "*.dkr.ecr.*.amazonaws.com/*"
`);
  const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: nginx}\n';
  const results = evaluate(policySet(anyPattern, tagPattern, foreachDeny('no-docker-hub', 'docker.io')), text);
  const [any] = byPolicy(results, 'ecr-only');
  const [tag] = byPolicy(results, 'tag-required');
  const [hub] = byPolicy(results, 'no-docker-hub');
  assert.deepEqual(any.violations.map((v) => [v.path, v.alternative, v.detail !== undefined]), [['/spec/containers/0/image/', 0, true], ['/spec/containers/0/image/', 1, true]]);
  assert.deepEqual(tag.violations, [{ path: '/spec/containers/0/image/', start: text.indexOf('nginx'), end: text.indexOf('nginx') + 5, image: 'nginx' }]);
  assert.deepEqual(hub.violations.map((v) => [v.path, v.alternative, v.detail]), [['/spec/containers/0/image/', undefined, 'No docker.io.']]);
  assert.notEqual(any.violations[0], any.violations[1]);
});

test('copies of resource objects are what spreading gives, an own __proto__ key included', () => {
  const plain = { b: 1, a: { c: 2 } };
  assert.deepEqual(Object.keys(copyRecord(plain)), ['b', 'a']);
  assert.equal(copyRecord(plain).a, plain.a);
  const tricky = parseYamlFile('"__proto__": {polluted: true}\nkind: Pod\n').documents[0].parsed.toJS() as Record<string, unknown>;
  const copy = copyRecord(tricky);
  assert.equal(Object.getPrototypeOf(copy), Object.prototype);
  assert.deepEqual(Object.keys(copy), ['__proto__', 'kind']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value, { polluted: true });
  // Namespace defaulting copies the document's value the same way, keeping its key order.
  const set = policySet(tagPattern);
  const text = 'kind: Pod\napiVersion: v1\n"__proto__": {x: 1}\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: nginx}\n';
  const [r] = evaluate(set, text);
  assert.equal(r.resource.namespace, 'default');
  assert.equal(r.status, 'fail');
});
