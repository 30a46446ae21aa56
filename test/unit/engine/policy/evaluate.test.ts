import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseYamlFile, type ParsedDocument } from '../../../../server/src/engine/yaml/model';
import { PolicySet, evaluateParsedDocument, isPolicyDocument, type EvaluateOptions, type RuleResult } from '../../../../server/src/engine/policy';

function policySet(...texts: string[]): PolicySet {
  return PolicySet.fromDocuments(texts.map((t, i) => ({ file: `policy-${i}.yaml`, yaml: parseYamlFile(t) })));
}

function doc(text: string): ParsedDocument {
  return parseYamlFile(text).documents[0].parsed;
}

function evaluate(set: PolicySet, text: string, options?: EvaluateOptions): RuleResult[] {
  return evaluateParsedDocument(set, doc(text), options);
}

/** The text a violation points at. */
function spans(text: string, r: RuleResult): string[] {
  return r.violations.map((v) => text.slice(v.start, v.end));
}

const registries = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: restrict-image-registries
spec:
  validationFailureAction: Enforce
  rules:
  - name: validate-registries
    match:
      any:
      - resources:
          kinds:
          - Pod
    validate:
      message: "Unknown image registry."
      pattern:
        spec:
          =(initContainers):
          - image: "eu.foo.io/* | bar.io/*"
          containers:
          - image: "eu.foo.io/* | bar.io/*"
`;

const badPod = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
  - name: init
    image: "ghcr.io/init:1"
  containers:
  - name: ok
    image: bar.io/ok
  - name: bad
    image: 'registry.k8s.io/nginx:1.7.9'
  - name: worse
    image: nginx
`;

test('pattern rule: Kyverno message, Enforce, every failing image with its range inside quotes', () => {
  const set = policySet(registries);
  const [r] = evaluate(set, badPod);
  assert.equal(r.policy, 'restrict-image-registries');
  assert.equal(r.rule, 'validate-registries');
  assert.equal(r.status, 'fail');
  assert.equal(r.action, 'Enforce');
  assert.equal(r.message, 'validation error: Unknown image registry. rule validate-registries failed at path /spec/initContainers/0/image/');
  assert.equal(r.ruleMessage, 'Unknown image registry.');
  assert.deepEqual(spans(badPod, r), ['ghcr.io/init:1', 'registry.k8s.io/nginx:1.7.9', 'nginx']);
  assert.deepEqual(r.violations.map((v) => v.image), ['ghcr.io/init:1', 'registry.k8s.io/nginx:1.7.9', 'nginx']);
  assert.deepEqual(r.violations.map((v) => v.path), ['/spec/initContainers/0/image/', '/spec/containers/1/image/', '/spec/containers/2/image/']);
  assert.deepEqual(r.resource, { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web', documentIndex: 0, kindStart: badPod.indexOf('Pod'), kindEnd: badPod.indexOf('Pod') + 3 });
  const source = r.ruleSource;
  assert.ok(source !== undefined);
  assert.equal(registries.slice(source.start, source.end), 'pattern');
  assert.equal(source.file, 'policy-0.yaml');
});

test('pattern rule: pass message; a message without a final dot gets one', () => {
  const set = policySet(registries.replace('"Unknown image registry."', 'Unknown image registry'));
  const good = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - {name: a, image: eu.foo.io/app}\n';
  assert.deepEqual(evaluate(set, good).map((r) => [r.status, r.message, r.violations.length]), [['pass', "validation rule 'validate-registries' passed.", 0]]);
  const [bad] = evaluate(set, badPod);
  assert.equal(bad.message, 'validation error: Unknown image registry. rule validate-registries failed at path /spec/initContainers/0/image/');
});

test('autogen: Deployment and CronJob get autogen-<rule> / autogen-cronjob-<rule> with template paths', () => {
  const set = policySet(registries);
  const deploy = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: shop}
spec:
  template:
    spec:
      containers:
      - {name: a, image: bar.io/a}
      - {name: b, image: "docker.io/b"}
`;
  const [d] = evaluate(set, deploy);
  assert.equal(d.rule, 'autogen-validate-registries');
  assert.equal(d.message, 'validation error: Unknown image registry. rule autogen-validate-registries failed at path /spec/template/spec/containers/1/image/');
  assert.deepEqual(spans(deploy, d), ['docker.io/b']);
  assert.equal(d.resource.namespace, 'shop');
  assert.equal(registries.slice(d.ruleSource?.start, d.ruleSource?.end), 'pattern', 'autogen rules point at the written rule');
  const cron = `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - {name: a, image: busybox}
`;
  const [c] = evaluate(set, cron);
  assert.equal(c.rule, 'autogen-cronjob-validate-registries');
  assert.equal(c.message, 'validation error: Unknown image registry. rule autogen-cronjob-validate-registries failed at path /spec/jobTemplate/spec/template/spec/containers/0/image/');
  assert.deepEqual(spans(cron, c), ['busybox']);
});

test('non-workload and policy documents cost nothing and yield no results', () => {
  const set = policySet(registries);
  const service = doc('apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n');
  let converted = false;
  const spy: ParsedDocument = { text: service.text, contents: service.contents, errors: service.errors, toJS: () => { converted = true; return service.toJS(); } };
  assert.deepEqual(evaluateParsedDocument(set, spy), []);
  assert.equal(converted, false, 'a kind no rule matches is rejected from the syntax tree alone');
  assert.deepEqual(evaluate(set, registries), []);
  assert.deepEqual(evaluate(set, '# only a comment\n'), []);
  assert.deepEqual(evaluate(PolicySet.fromDocuments([]), badPod), []);
});

test('missing keys point at the deepest existing ancestor key', () => {
  const set = policySet(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: pull-secrets}
spec:
  rules:
  - name: check-for-image-pull-secrets
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      pattern:
        spec:
          imagePullSecrets:
          - name: "?*"
`);
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - {name: a, image: nginx}\n';
  const [r] = evaluate(set, pod);
  assert.equal(r.status, 'fail');
  assert.equal(r.action, 'Audit', 'no action anywhere means Audit');
  assert.equal(r.message, 'validation error: rule check-for-image-pull-secrets failed at path /spec/imagePullSecrets/');
  assert.deepEqual(spans(pod, r), ['spec']);
});

test('anyPattern: joined failure message and the failing alternative of every violation', () => {
  const set = policySet(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: any}
spec:
  rules:
  - name: registry-or-digest
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: Use our registry or a digest
      anyPattern:
      - spec: {containers: [{image: "corp.io/*"}]}
      - spec: {containers: [{image: "*@sha256:*"}]}
`);
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - {name: a, image: nginx}\n';
  const [r] = evaluate(set, pod);
  assert.equal(r.status, 'fail');
  assert.equal(r.message, 'validation error: Use our registry or a digest. rule registry-or-digest[0] failed at path /spec/containers/0/image/ rule registry-or-digest[1] failed at path /spec/containers/0/image/');
  assert.deepEqual(r.violations.map((v) => [pod.slice(v.start, v.end), v.alternative, v.detail]), [
    ['nginx', 0, 'rule registry-or-digest[0] failed at path /spec/containers/0/image/'],
    ['nginx', 1, 'rule registry-or-digest[1] failed at path /spec/containers/0/image/'],
  ]);
  const ok = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - {name: a, image: "x@sha256:abc"}\n';
  assert.equal(evaluate(set, ok)[0].message, "validation rule 'registry-or-digest' anyPattern[1] passed.");
});

test('conditional anchors skip with the anchor error text', () => {
  const set = policySet(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: pull-always}
spec:
  rules:
  - name: latest-pull-always
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      pattern:
        spec:
          containers:
          - (image): "*:latest"
            imagePullPolicy: Always
`);
  const [r] = evaluate(set, 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - {name: a, image: "nginx:1.2"}\n');
  assert.equal(r.status, 'skip');
  assert.equal(r.violations.length, 0);
  assert.match(r.message, /conditional anchor mismatch/);
});

const denyPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: deny-registries}
spec:
  validationFailureAction: enforce
  rules:
  - name: only-ghcr
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "Images of {{ request.object.metadata.name }} must come from ghcr.io"
      deny:
        conditions:
          any:
          - key: "{{ images.containers.*.registry }}"
            operator: AnyNotIn
            value: [ghcr.io]
`;

test('deny: fail with the substituted message, culprit images found per container, lower-case enforce accepted', () => {
  const set = policySet(denyPolicy);
  const pod = `apiVersion: v1
kind: Pod
metadata: {name: mixed}
spec:
  containers:
  - {name: a, image: ghcr.io/a:1}
  - {name: b, image: "quay.io/b:1"}
  - {name: c, image: ghcr.io/c:1}
`;
  const [r] = evaluate(set, pod);
  assert.equal(r.status, 'fail');
  assert.equal(r.action, 'Enforce');
  assert.equal(r.message, 'Images of mixed must come from ghcr.io');
  assert.deepEqual(spans(pod, r), ['quay.io/b:1']);
  const good = 'apiVersion: v1\nkind: Pod\nmetadata: {name: g}\nspec:\n  containers:\n  - {name: a, image: ghcr.io/a:1}\n';
  assert.deepEqual(evaluate(set, good).map((x) => [x.status, x.message]), [['pass', "validation rule 'only-ghcr' passed."]]);
});

test('deny without a message: "validation error: rule X failed"; a Pod-wide condition points at kind', () => {
  const set = policySet(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: host}
spec:
  rules:
  - name: no-host-network
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      deny:
        conditions:
        - key: "{{ request.object.spec.hostNetwork }}"
          operator: Equals
          value: true
`);
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  hostNetwork: true\n  containers:\n  - {name: a, image: nginx}\n';
  const [r] = evaluate(set, pod);
  assert.equal(r.status, 'fail');
  assert.equal(r.message, 'validation error: rule no-host-network failed');
  assert.deepEqual(spans(pod, r), ['Pod']);
});

const foreachPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: disallow-latest-tag}
spec:
  rules:
  - name: require-image-tag
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: An image tag is required.
      foreach:
      - list: request.object.spec.containers
        pattern:
          image: "*:*"
      - list: request.object.spec.initContainers
        pattern:
          image: "*:*"
  - name: deny-latest
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: latest is not allowed
      foreach:
      - list: request.object.spec.containers[].image
        deny:
          conditions:
            any:
            - key: "{{ element }}"
              operator: Equals
              value: "*:latest"
`;

test('foreach: "validation failure:" message from the first element, every failing element collected', () => {
  const set = policySet(foreachPolicy);
  const pod = `apiVersion: v1
kind: Pod
metadata: {name: a}
spec:
  initContainers:
  - {name: i, image: busybox}
  containers:
  - {name: a, image: "nginx:1.2"}
  - {name: b, image: nginx}
  - {name: c, image: "redis:latest"}
  - {name: d, image: "redis:latest"}
`;
  const [tag, latest] = evaluate(set, pod);
  assert.equal(tag.rule, 'require-image-tag');
  assert.equal(tag.status, 'fail');
  assert.equal(tag.message, 'validation failure: validation error: An image tag is required. rule require-image-tag failed at path /image/');
  assert.deepEqual(spans(pod, tag), ['nginx', 'busybox']);
  assert.deepEqual(tag.violations.map((v) => v.path), ['/spec/containers/1/image/', '/spec/initContainers/0/image/']);
  assert.deepEqual(tag.violations.map((v) => v.detail), [
    'validation error: An image tag is required. rule require-image-tag failed at path /image/',
    'validation error: An image tag is required. rule require-image-tag failed at path /image/',
  ], 'each element keeps its own Kyverno message');
  assert.equal(latest.status, 'fail');
  assert.equal(latest.message, 'validation failure: latest is not allowed');
  assert.deepEqual(latest.violations.map((v) => v.path), ['/spec/containers/2/image/', '/spec/containers/3/image/']);
  assert.deepEqual(spans(pod, latest), ['redis:latest', 'redis:latest']);
});

test('foreach: all elements pass → "rule passed"; no element → no result at all', () => {
  const set = policySet(foreachPolicy);
  const ok = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - {name: a, image: "nginx:1.2"}\n';
  assert.deepEqual(evaluate(set, ok).map((r) => [r.rule, r.status, r.message]), [['require-image-tag', 'pass', 'rule passed'], ['deny-latest', 'pass', 'rule passed']]);
  assert.deepEqual(evaluate(set, 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: []\n'), []);
});

test('foreach: elementScope true on non-map elements is an error', () => {
  const set = policySet(foreachPolicy.replace('      - list: request.object.spec.containers[].image\n', '      - list: request.object.spec.containers[].image\n        elementScope: true\n'));
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - {name: a, image: "ghcr.io/x:1"}\n';
  const r = evaluate(set, pod).find((x) => x.rule === 'deny-latest');
  assert.equal(r?.status, 'error');
  assert.equal(r?.message, 'failed to process foreach: cannot use elementScope=true foreach rules for elements that are not maps, expected type=map got type=string');
  assert.deepEqual(r !== undefined ? spans(pod, r) : [], ['Pod'], 'an error points at the kind');
});

test('preconditions not met: skip', () => {
  const set = policySet(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: pre}
spec:
  rules:
  - name: only-for-prod
    match: {any: [{resources: {kinds: [Pod]}}]}
    preconditions:
      all:
      - key: "{{ request.object.metadata.labels.env || '' }}"
        operator: Equals
        value: prod
    validate:
      pattern: {spec: {containers: [{image: "corp.io/*"}]}}
`);
  const [r] = evaluate(set, 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - {name: a, image: nginx}\n');
  assert.equal(r.status, 'skip');
  assert.match(r.message, /^preconditions not met/);
});

test('PolicyException: wildcard rule names, Policy names with namespace, conditions; skip with Kyverno text', () => {
  const exception = (policyName: string, rules: string, extra = '') => `apiVersion: kyverno.io/v2
kind: PolicyException
metadata: {name: allow-tools, namespace: kyverno}
spec:
  exceptions:
  - policyName: ${policyName}
    ruleNames: [${rules}]
  match:
    any:
    - resources:
        kinds: [Pod, Deployment]
        names: ["tool-*"]
${extra}`;
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: tool-1}\nspec:\n  containers:\n  - {name: a, image: nginx}\n';
  const skipped = evaluate(policySet(registries, exception('restrict-image-registries', '"validate-*"')), pod);
  assert.deepEqual(skipped.map((r) => [r.status, r.message, r.violations.length]), [['skip', 'rule is skipped due to policy exceptionskyverno/allow-tools', 0]]);
  assert.equal(evaluate(policySet(registries, exception('restrict-image-registries', 'other')), pod)[0].status, 'fail');
  assert.equal(evaluate(policySet(registries, exception('restrict-image-registries', 'validate-registries')), pod.replace('tool-1', 'web'))[0].status, 'fail');
  const withCondition = exception('restrict-image-registries', 'validate-registries', `  conditions:
    any:
    - key: "{{ request.object.metadata.labels.team || '' }}"
      operator: Equals
      value: platform
`);
  assert.equal(evaluate(policySet(registries, withCondition), pod)[0].status, 'fail');
  assert.equal(evaluate(policySet(registries, withCondition), pod.replace('name: tool-1}', 'name: tool-1, labels: {team: platform}}'))[0].status, 'skip');
  const namespaced = registries.replace('kind: ClusterPolicy', 'kind: Policy').replace('name: restrict-image-registries', 'name: restrict-image-registries\n  namespace: default');
  assert.equal(evaluate(policySet(namespaced, exception('default/restrict-image-registries', '"*"')), pod)[0].status, 'skip');
  assert.equal(evaluate(policySet(namespaced, exception('restrict-image-registries', '"*"')), pod)[0].status, 'fail');
});

test('a namespaced Policy applies only in its own namespace; results name it namespace/name', () => {
  const set = policySet(registries.replace('kind: ClusterPolicy', 'kind: Policy').replace('name: restrict-image-registries', 'name: restrict-image-registries\n  namespace: shop'));
  assert.deepEqual(evaluate(set, badPod), [], 'a Pod without namespace is in default');
  const [r] = evaluate(set, badPod.replace('name: web', 'name: web\n  namespace: shop'));
  assert.equal(r.policy, 'shop/restrict-image-registries');
  assert.equal(r.status, 'fail');
});

test('failure action: rule overrides by namespace, rule action, spec overrides, spec action', () => {
  const policy = (spec: string, validate: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: fa}
spec:
${spec}
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
${validate}
      pattern: {spec: {containers: [{image: "corp.io/*"}]}}
`;
  const pod = (ns: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ${ns}}\nspec:\n  containers:\n  - {name: a, image: nginx}\n`;
  const action = (spec: string, validate: string, ns: string, labels?: Record<string, string>) =>
    evaluate(policySet(policy(spec, validate)), pod(ns), { namespaceLabels: labels === undefined ? undefined : { [ns]: labels } })[0].action;
  assert.equal(action('  validationFailureAction: Audit', '      failureAction: Enforce', 'a'), 'Enforce');
  assert.equal(action('  validationFailureAction: Enforce', '      failureAction: Audit', 'a'), 'Audit');
  assert.equal(action('  validationFailureAction: Audit', '      failureAction: Audit\n      failureActionOverrides: [{action: Enforce, namespaces: ["prod-*"]}]', 'prod-1'), 'Enforce');
  assert.equal(action('  validationFailureAction: Audit', '      failureAction: Audit\n      failureActionOverrides: [{action: Enforce, namespaces: ["prod-*"]}]', 'dev'), 'Audit');
  assert.equal(action('  validationFailureAction: Audit', '      failureActionOverrides: [{action: Enforce, namespaceSelector: {matchLabels: {tier: gold}}}]', 'x', { tier: 'gold' }), 'Enforce');
  assert.equal(action('  validationFailureAction: Audit\n  validationFailureActionOverrides: [{action: enforce, namespaces: [prod]}]', '      message: m', 'prod'), 'Enforce');
  assert.equal(action('  validationFailureAction: Enforce\n  validationFailureActionOverrides: [{action: Audit, namespaces: [dev]}]', '      message: m', 'dev'), 'Audit');
  assert.equal(action('  validationFailureAction: Enforce\n  validationFailureActionOverrides: [{action: Bogus, namespaces: [dev]}]', '      message: m', 'dev'), 'Enforce', 'an invalid override action is ignored');
  assert.equal(action('  background: true', '      message: m', 'x'), 'Audit');
});

test('context variables; cluster-only context entries are an error offline but skipped with CLI values', () => {
  const policy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: ctx}
spec:
  rules:
  - name: allowed
    match: {any: [{resources: {kinds: [Pod]}}]}
    context:
    - name: allowed
      variable:
        value: [ghcr.io, corp.io]
    - name: unused
      apiCall: {urlPath: /api/v1/namespaces}
    validate:
      deny:
        conditions:
          any:
          - key: "{{ images.containers.*.registry }}"
            operator: AnyNotIn
            value: "{{ allowed }}"
`;
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - {name: a, image: "docker.io/nginx:1"}\n';
  assert.equal(evaluate(policySet(policy), pod)[0].status, 'fail', 'an apiCall entry the rule never reads does not matter');
  const reads = policy.replace('value: "{{ allowed }}"', 'value: "{{ unused }}"');
  const [offline] = evaluate(policySet(reads), pod);
  assert.equal(offline.status, 'error');
  assert.match(offline.message, /^failed to load context: context entry "unused" needs an API call to the cluster \(apiCall\)/);
  const [cli] = evaluate(policySet(reads), pod, { values: { policies: [{ name: 'ctx', rules: [{ name: 'allowed', values: { unused: ['docker.io'] } }] }] } });
  assert.equal(cli.status, 'pass', 'kyverno test feeds rule values into the context');
});

test('applyRules One stops after the first applied rule', () => {
  const two = registries.replace('  rules:\n', '  applyRules: One\n  rules:\n') + `  - name: second
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      pattern: {metadata: {name: "?*"}}
`;
  assert.deepEqual(evaluate(policySet(two), badPod).map((r) => r.rule), ['validate-registries']);
  assert.deepEqual(evaluate(policySet(two.replace('  applyRules: One\n', '')), badPod).map((r) => r.rule), ['validate-registries', 'second']);
});

test('loading: errors with offsets, one bad policy never blocks the others', () => {
  const broken = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: broken}
spec:
  rules:
  - name: both
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      pattern: {spec: {}}
      deny: {}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: no-rules}
spec: {}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: foreach}
spec:
  rules:
  - name: f
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      foreach:
      - pattern: {image: x}
---
apiVersion: kyverno.io/v2
kind: ClusterPolicy
metadata: {name: wrong-version}
spec: {rules: []}
`;
  const set = policySet(broken, registries);
  assert.deepEqual(set.policies.map((p) => p.name), ['restrict-image-registries']);
  const errors = set.errors.map((e) => [e.file, broken.slice(e.offset, e.offset + 10), e.message]);
  assert.deepEqual(errors, [
    ['policy-0.yaml', 'validate:\n', 'ClusterPolicy broken: rule both: only one of pattern, anyPattern, deny, foreach, cel can be specified'],
    ['policy-0.yaml', 'spec: {}\n-', 'ClusterPolicy no-rules: spec.rules must list at least one rule'],
    ['policy-0.yaml', 'pattern: {', 'ClusterPolicy foreach: rule f: foreach.list is required'],
    ['policy-0.yaml', 'apiVersion', 'ClusterPolicy apiVersion kyverno.io/v2 is not served by Kyverno; use kyverno.io/v1'],
  ]);
  assert.equal(evaluate(set, badPod)[0].status, 'fail');
});

test('loading: v2beta1 policies, exceptions, validate.cel rules evaluated through the CEL engine, YAML errors reported', () => {
  const cel = `apiVersion: kyverno.io/v2beta1
kind: ClusterPolicy
metadata: {name: cel}
spec:
  rules:
  - name: c
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      cel: {expressions: [{expression: "true"}]}
`;
  const set = policySet(cel, 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: x\nspec: [\n');
  assert.deepEqual(set.policies.map((p) => [p.name, p.apiVersion, p.rules[0].form, p.rules[0].unsupported]), [['cel', 'kyverno.io/v2beta1', 'cel', undefined]]);
  assert.deepEqual(evaluate(set, badPod).map((r) => [r.policy, r.rule, r.status, r.message]), [['cel', 'c', 'pass', "Validation rule 'c' passed."]]);
  assert.equal(set.errors.length, 1);
  assert.match(set.errors[0].message, /^Kyverno document not loaded: YAML syntax error/);
  const ex = policySet('apiVersion: kyverno.io/v2beta1\nkind: PolicyException\nmetadata: {name: e, namespace: ns}\nspec:\n  exceptions: [{policyName: p, ruleNames: [r]}]\n  match: {any: [{resources: {kinds: [Pod]}}]}\n');
  assert.deepEqual(ex.exceptions.map((e) => e.key), ['ns/e']);
});

test('isPolicyDocument recognises Kyverno and CEL policy documents, not workloads', () => {
  assert.equal(isPolicyDocument({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy' }), true);
  assert.equal(isPolicyDocument({ apiVersion: 'kyverno.io/v2', kind: 'PolicyException' }), true);
  assert.equal(isPolicyDocument({ apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy' }), true);
  assert.equal(isPolicyDocument({ apiVersion: 'v1', kind: 'Pod' }), false);
  assert.equal(isPolicyDocument({ apiVersion: 'apps/v1', kind: 'Deployment' }), false);
  assert.equal(isPolicyDocument('kyverno.io/v1'), false);
  assert.equal(isPolicyDocument(null), false);
});

test('kind: List documents: every item is evaluated, violations point into the item', () => {
  const list = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: s}
- apiVersion: v1
  kind: Pod
  metadata: {name: p1}
  spec:
    containers:
    - {name: a, image: "docker.io/nginx"}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: d1}
  spec:
    template:
      spec:
        containers:
        - {name: a, image: bar.io/ok}
`;
  const results = evaluate(policySet(registries), list);
  assert.deepEqual(results.map((r) => [r.resource.kind, r.resource.name, r.rule, r.status]), [
    ['Pod', 'p1', 'validate-registries', 'fail'],
    ['Deployment', 'd1', 'autogen-validate-registries', 'pass'],
  ]);
  assert.deepEqual(spans(list, results[0]), ['docker.io/nginx']);
  assert.equal(results[0].violations[0].path, '/spec/containers/0/image/');
  assert.equal(list.slice(results[0].resource.kindStart, results[0].resource.kindEnd), 'Pod');
});

test('a policy defined twice is used once and the copy is reported', () => {
  const set = PolicySet.fromDocuments([{ file: 'a.yaml', yaml: parseYamlFile(registries) }, { file: 'b.yaml', yaml: parseYamlFile(registries) }]);
  assert.equal(set.policies.length, 1);
  assert.deepEqual(set.errors.map((e) => [e.file, e.message]), [['b.yaml', 'ClusterPolicy restrict-image-registries is also defined in a.yaml; only that first definition is used']]);
  assert.equal(evaluate(set, badPod).length, 1);
});
