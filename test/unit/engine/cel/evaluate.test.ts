// CEL policies on resources: ValidatingPolicy (matching, actions, messages, variables, autogen,
// exceptions, namespaced policies), ValidatingAdmissionPolicy + binding, ClusterPolicy validate.cel,
// load errors at expression positions, and the failing images each result points at.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseYamlFile } from '../../../../server/src/engine/yaml/model';
import { evaluateCelDocument, evaluateValidateCel, loadCelPolicies, validateCelLoadErrors, type CelEvaluateOptions, type CelPolicy } from '../../../../server/src/engine/cel';
import { PolicySet, evaluateParsedDocument, type RuleResult } from '../../../../server/src/engine/policy';
import { resourceView } from '../../../../server/src/engine/policy/resource';
import { repoRoot } from '../../../support/paths';

function load(text: string, file = 'policy.yaml'): ReturnType<typeof loadCelPolicies> {
  return loadCelPolicies([{ file, yaml: parseYamlFile(text) }]);
}

function policies(text: string): CelPolicy[] {
  const out = load(text);
  assert.deepEqual(out.errors, []);
  return out.policies;
}

function evaluate(ps: readonly CelPolicy[], manifest: string, options?: CelEvaluateOptions): RuleResult[] {
  return parseYamlFile(manifest).documents.flatMap((d) => evaluateCelDocument(ps, d.parsed, options, d.index));
}

/** [path, image, underlined text] of each violation; offsets are relative to the (single) document. */
function marks(r: RuleResult, manifest: string): [string, string | undefined, string][] {
  return r.violations.map((v) => [v.path, v.image, manifest.slice(v.start, v.end)]);
}

function vpol(opts: { name?: string; kind?: string; actions?: string; resources?: string; expression: string; extra?: string; message?: string; spec?: string }): string {
  return `apiVersion: policies.kyverno.io/v1
kind: ${opts.kind ?? 'ValidatingPolicy'}
metadata:
  name: ${opts.name ?? 'registries'}
spec:
  validationActions: ${opts.actions ?? '[Deny]'}
  matchConstraints:
    resourceRules:
      - apiGroups: [""]
        apiVersions: [v1]
        operations: [CREATE, UPDATE]
        resources: ${opts.resources ?? '[pods]'}
${opts.spec ?? ''}  validations:
    - expression: ${JSON.stringify(opts.expression)}
${opts.message !== undefined ? `      message: ${JSON.stringify(opts.message)}\n` : ''}${opts.extra ?? ''}`;
}

const ECR_ONLY = "object.spec.containers.all(c, c.image.startsWith('public.ecr.aws/'))";

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: team-a
  labels:
    app: web
spec:
  initContainers:
    - name: init
      image: busybox:1.36
  containers:
    - name: ok
      image: public.ecr.aws/nginx/nginx:1.25
    - name: bad
      image: "docker.io/library/redis:7"
    - name: bad2
      image: quay.io/x/y
`;

test('a failing validation points at each failing image, with Kyverno paths', () => {
  const ps = policies(vpol({ expression: ECR_ONLY, message: 'Unknown Image registry.' }));
  const [r] = evaluate(ps, POD);
  assert.equal(r.status, 'fail');
  assert.equal(r.policy, 'registries');
  assert.equal(r.rule, 'validations[0]');
  assert.equal(r.action, 'Enforce');
  assert.equal(r.message, 'Unknown Image registry.');
  assert.equal(r.ruleMessage, 'Unknown Image registry.');
  assert.deepEqual(marks(r, POD), [
    ['/spec/containers/1/image/', 'docker.io/library/redis:7', 'docker.io/library/redis:7'],
    ['/spec/containers/2/image/', 'quay.io/x/y', 'quay.io/x/y'],
  ]);
  assert.equal(r.resource.kind, 'Pod');
  assert.equal(POD.slice(r.resource.kindStart, r.resource.kindEnd), 'Pod');
});

test('a passing resource gets a pass result with Kyverno\'s "success"', () => {
  const ps = policies(vpol({ expression: ECR_ONLY }));
  const [r] = evaluate(ps, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: public.ecr.aws/a/b\n');
  assert.deepEqual([r.status, r.message, r.violations], ['pass', 'success', []]);
});

test('validationActions: Deny → Enforce, Audit → Audit, Warn → Audit with a note, none → Deny', () => {
  const action = (actions: string): [string, string | undefined] => {
    const [r] = evaluate(policies(vpol({ expression: ECR_ONLY, actions })), POD);
    return [r.action, r.violations[0].detail];
  };
  assert.deepEqual(action('[Deny]'), ['Enforce', undefined]);
  assert.deepEqual(action('[Audit]'), ['Audit', undefined]);
  assert.deepEqual(action('[Deny, Audit]'), ['Enforce', undefined]);
  const [warnAction, warnNote] = action('[Warn]');
  assert.equal(warnAction, 'Audit');
  assert.match(warnNote ?? '', /admitted with a warning/);
  assert.deepEqual(action('[]'), ['Enforce', undefined]);
  const [noAdmission] = evaluate(policies(vpol({ expression: ECR_ONLY, spec: '  evaluation:\n    admission:\n      enabled: false\n' })), POD);
  assert.equal(noAdmission.action, 'Audit');
  assert.match(noAdmission.violations[0].detail ?? '', /admission.enabled is false/);
});

test('messages: message, messageExpression, and the default for an index', () => {
  const msgExpr = vpol({
    expression: ECR_ONLY,
    extra: "      messageExpression: \"'bad images: ' + object.spec.containers.filter(c, !c.image.startsWith('public.ecr.aws/')).map(c, c.image).join(', ')\"\n",
  });
  assert.equal(evaluate(policies(msgExpr), POD)[0].message, 'bad images: docker.io/library/redis:7, quay.io/x/y');
  const two = `${vpol({ expression: 'true' })}    - expression: ${JSON.stringify(ECR_ONLY)}\n`;
  const [r] = evaluate(policies(two), POD);
  assert.equal(r.message, 'CEL expression validation failed at index 1');
  assert.equal(r.rule, 'validations[1]');
  const broken = vpol({ expression: ECR_ONLY, extra: "      messageExpression: \"object.nope\"\n" });
  assert.equal(evaluate(policies(broken), POD)[0].message, 'failed to evaluate message expression: no such key: nope');
});

test('the first failing validation decides (one result per policy and resource)', () => {
  const text = `${vpol({ expression: "object.metadata.name != 'web'", message: 'first' })}    - expression: ${JSON.stringify(ECR_ONLY)}\n      message: second\n`;
  const rs = evaluate(policies(text), POD);
  assert.equal(rs.length, 1);
  assert.equal(rs[0].message, 'first');
  // No container is to blame: the resource's kind carries the violation.
  assert.deepEqual(marks(rs[0], POD), [['', undefined, 'Pod']]);
});

test('culprits: init containers through a variable, negated exists, map, ternary and &&', () => {
  const all = "object.spec.containers + object.spec.?initContainers.orValue([]) + object.spec.?ephemeralContainers.orValue([])";
  const viaVariable = vpol({
    expression: "variables.allContainers.all(c, c.image.startsWith('public.ecr.aws/') || c.image.startsWith('quay.io/'))",
    spec: `  variables:\n    - name: allContainers\n      expression: ${JSON.stringify(all)}\n`,
  });
  assert.deepEqual(marks(evaluate(policies(viaVariable), POD)[0], POD).map((m) => m[0]), ['/spec/containers/1/image/', '/spec/initContainers/0/image/']);

  const negated = vpol({ expression: "!object.spec.containers.exists(c, c.image.startsWith('docker.io/'))" });
  assert.deepEqual(marks(evaluate(policies(negated), POD)[0], POD).map((m) => m[1]), ['docker.io/library/redis:7']);

  const mapped = vpol({ expression: "object.spec.containers.map(c, c.image).all(i, !i.startsWith('quay.io/'))" });
  assert.deepEqual(marks(evaluate(policies(mapped), POD)[0], POD).map((m) => m[1]), ['quay.io/x/y']);

  const ternary = vpol({ expression: "object.metadata.name == 'web' ? object.spec.containers.all(c, c.name != 'bad2') : true" });
  assert.deepEqual(marks(evaluate(policies(ternary), POD)[0], POD).map((m) => m[1]), ['quay.io/x/y']);

  const both = vpol({ expression: "object.spec.containers.all(c, c.name != 'zzz') && object.spec.containers.all(c, !c.image.contains('redis'))" });
  assert.deepEqual(marks(evaluate(policies(both), POD)[0], POD).map((m) => m[1]), ['docker.io/library/redis:7']);

  const viaVarCondition = vpol({
    expression: 'variables.ok',
    spec: `  variables:\n    - name: ok\n      expression: "object.spec.containers.all(c, c.name != 'bad')"\n`,
  });
  assert.deepEqual(marks(evaluate(policies(viaVarCondition), POD)[0], POD).map((m) => m[1]), ['docker.io/library/redis:7']);

  const one = vpol({ expression: "object.spec.containers.exists_one(c, c.name.startsWith('bad'))" });
  assert.deepEqual(marks(evaluate(policies(one), POD)[0], POD).map((m) => m[1]), ['docker.io/library/redis:7', 'quay.io/x/y'], 'exists_one blames the extra matches');

  const none = vpol({ expression: 'object.spec.containers.exists(c, c.image.startsWith("gcr.io/"))' });
  assert.equal(evaluate(policies(none), POD)[0].violations.length, 3, 'exists fails on every element');
});

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: blocked
  labels:
    tier: backend
spec:
  template:
    metadata:
      labels:
        tier: frontend
    spec:
      containers:
        - name: app
          image: docker.io/app:1
        - name: sidecar
          image: public.ecr.aws/envoy:1
`;

const CRONJOB = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job
              image: ghcr.io/job:1
`;

const RC = `apiVersion: v1
kind: ReplicationController
metadata:
  name: legacy
spec:
  template:
    spec:
      containers:
        - name: app
          image: docker.io/app:1
`;

test('autogen: controllers get the rewritten spec, ReplicationController does not', () => {
  const ps = policies(vpol({ expression: ECR_ONLY }));
  assert.deepEqual(ps[0].autogenKinds, ['CronJob', 'DaemonSet', 'Deployment', 'Job', 'ReplicaSet', 'StatefulSet']);
  const [d] = evaluate(ps, DEPLOYMENT);
  assert.equal(d.status, 'fail');
  assert.deepEqual(marks(d, DEPLOYMENT), [['/spec/template/spec/containers/0/image/', 'docker.io/app:1', 'docker.io/app:1']]);
  const [c] = evaluate(ps, CRONJOB);
  assert.deepEqual(marks(c, CRONJOB).map((m) => m[0]), ['/spec/jobTemplate/spec/template/spec/containers/0/image/']);
  assert.deepEqual(evaluate(ps, RC), []);
});

test('autogen is skipped for pods + pods/ephemeralcontainers, and follows spec.autogen.podControllers', () => {
  const withSub = policies(vpol({ expression: ECR_ONLY, resources: '[pods, pods/ephemeralcontainers]' }));
  assert.deepEqual(withSub[0].autogenKinds, []);
  assert.deepEqual(evaluate(withSub, DEPLOYMENT), []);
  assert.equal(evaluate(withSub, POD)[0].status, 'fail');

  const onlyDeployments = policies(vpol({ expression: ECR_ONLY, spec: '  autogen:\n    podControllers:\n      controllers: [deployments]\n' }));
  assert.deepEqual(onlyDeployments[0].autogenKinds, ['Deployment']);
  assert.equal(evaluate(onlyDeployments, DEPLOYMENT).length, 1);
  assert.deepEqual(evaluate(onlyDeployments, CRONJOB), []);

  const selector = policies(vpol({ expression: ECR_ONLY }).replace('  matchConstraints:\n    resourceRules:', '  matchConstraints:\n    objectSelector:\n      matchLabels:\n        app: web\n    resourceRules:'));
  assert.deepEqual(selector[0].autogenKinds, []);
});

test('autogen rewrites object.metadata to the template, except .namespace', () => {
  const labels = policies(vpol({ expression: "object.metadata.labels.tier == 'frontend'" }));
  assert.equal(evaluate(labels, DEPLOYMENT)[0].status, 'pass', 'reads spec.template.metadata.labels');
  const ns = policies(vpol({ expression: "object.metadata.namespace != 'blocked'" }));
  assert.equal(evaluate(ns, DEPLOYMENT)[0].status, 'fail', 'reads the Deployment\'s own namespace');
});

test('matchConstraints: groups, operations, excludeResourceRules, resourceNames, objectSelector', () => {
  const base = vpol({ expression: 'false' });
  const withRule = (rule: string): CelPolicy[] => policies(base.replace(/ {6}- apiGroups: \[""\]\n.*\n.*\n.*\n/, rule));
  assert.equal(evaluate(withRule('      - apiGroups: [apps]\n        apiVersions: [v1]\n        operations: [CREATE]\n        resources: [pods]\n'), POD).length, 0);
  assert.equal(evaluate(withRule('      - apiGroups: [""]\n        apiVersions: [v1]\n        operations: [DELETE]\n        resources: [pods]\n'), POD).length, 0);
  assert.equal(evaluate(withRule('      - apiGroups: ["*"]\n        apiVersions: ["*"]\n        operations: ["*"]\n        resources: ["*"]\n'), POD).length, 1);
  assert.equal(evaluate(withRule('      - apiGroups: [""]\n        apiVersions: [v1]\n        operations: [CREATE]\n        resources: [pods]\n        resourceNames: [other]\n'), POD).length, 0);
  const excluded = base.replace('  matchConstraints:\n', '  matchConstraints:\n    excludeResourceRules:\n      - apiGroups: [""]\n        apiVersions: [v1]\n        operations: [CREATE]\n        resources: [pods]\n');
  assert.equal(evaluate(policies(excluded), POD).length, 0);
  const selected = (app: string): number => evaluate(policies(base.replace('  matchConstraints:\n', `  matchConstraints:\n    objectSelector:\n      matchLabels:\n        app: ${app}\n`)), POD).length;
  assert.equal(selected('web'), 1);
  assert.equal(selected('db'), 0);
});

test('namespaceSelector: evaluated with known labels, otherwise "unknown" says so', () => {
  const text = vpol({ expression: ECR_ONLY }).replace('  matchConstraints:\n', '  matchConstraints:\n    namespaceSelector:\n      matchLabels:\n        env: prod\n');
  const ps = policies(text);
  const [unknown] = evaluate(ps, POD);
  assert.equal(unknown.status, 'skip');
  assert.match(unknown.message, /namespaceSelector needs the labels of namespace "team-a"/);
  assert.equal(evaluate(ps, POD, { namespaceLabels: { 'team-a': { env: 'prod' } } })[0].status, 'fail');
  assert.deepEqual(evaluate(ps, POD, { namespaceLabels: { 'team-a': { env: 'dev' } } }), []);
});

test('matchConditions: false skips, an error is an error unless failurePolicy Ignore', () => {
  const cond = (expr: string, extra = ''): RuleResult[] => evaluate(policies(vpol({
    expression: ECR_ONLY, spec: `${extra}  matchConditions:\n    - name: only-web\n      expression: ${JSON.stringify(expr)}\n`,
  })), POD);
  assert.equal(cond("object.metadata.name == 'web'")[0].status, 'fail');
  assert.deepEqual(cond("object.metadata.name == 'db'").map((r) => [r.status, r.message]), [['skip', 'skip']]);
  const [e] = cond('object.metadata.nope == 1');
  assert.equal(e.status, 'error');
  assert.equal(e.message, 'failed to load context: no such key: nope');
  assert.equal(cond('object.metadata.nope == 1', '  failurePolicy: Ignore\n')[0].status, 'skip');
});

test('variables are lazy: an unused broken variable is harmless, a used one is an error', () => {
  const vars = '  variables:\n    - name: broken\n      expression: "object.spec.nope"\n    - name: prefix\n      expression: "\'public.ecr.aws/\'"\n';
  const unused = policies(vpol({ expression: 'object.spec.containers.all(c, c.image.startsWith(variables.prefix))', spec: vars }));
  assert.equal(evaluate(unused, POD)[0].status, 'fail');
  const used = policies(vpol({ expression: 'variables.broken == 1', spec: vars }));
  const [r] = evaluate(used, POD);
  assert.deepEqual([r.status, r.message], ['error', 'error: no such key: nope']);
  assert.deepEqual(marks(r, POD), [['', undefined, 'Pod']]);
  assert.equal(r.violations[0].detail, 'error: no such key: nope');
});

test('namespaceObject and resource.Get come from supplied data, else the result says they need the cluster', () => {
  const text = vpol({
    expression: "object.spec.containers.all(c, c.image.startsWith(namespaceObject.metadata.annotations['registry']) || c.image.startsWith(resource.Get('v1', 'configmaps', 'default', 'regs').data.allowed))",
  });
  const ps = policies(text);
  const [offline] = evaluate(ps, POD);
  assert.equal(offline.status, 'error');
  assert.match(offline.message, /^error: .*, which is not available offline$/);
  const [nsOnly] = evaluate(policies(vpol({ expression: "namespaceObject.metadata.name == 'x'" })), POD);
  assert.equal(nsOnly.message, 'error: namespaceObject needs the Namespace "team-a" from the cluster, which is not available offline');
  const options: CelEvaluateOptions = {
    namespaceObjects: { 'team-a': { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', annotations: { registry: 'quay.io/' } } } },
    clusterResources: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'regs', namespace: 'default' }, data: { allowed: 'public.ecr.aws/' } }],
  };
  const [r] = evaluate(ps, POD, options);
  assert.equal(r.status, 'fail');
  assert.deepEqual(marks(r, POD).map((m) => m[1]), ['docker.io/library/redis:7']);
});

test('NamespacedValidatingPolicy applies in its own namespace and is named namespace/name', () => {
  const text = vpol({ kind: 'NamespacedValidatingPolicy', expression: ECR_ONLY }).replace('  name: registries\n', '  name: registries\n  namespace: team-a\n');
  const ps = policies(text);
  assert.equal(ps[0].key, 'team-a/registries');
  const [r] = evaluate(ps, POD);
  assert.equal(r.policy, 'team-a/registries');
  assert.deepEqual(evaluate(ps, POD.replace('namespace: team-a', 'namespace: team-b')), []);
});

test('CEL PolicyException: skip (or pass) with Kyverno\'s message, or allowed images for the expression', () => {
  const exception = (spec: string): string => `---
apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata:
  name: allow-web
  namespace: kyverno
spec:
  policyRefs:
    - name: registries
      kind: ValidatingPolicy
${spec}`;
  const cond = "  matchConditions:\n    - name: web\n      expression: \"object.metadata.name == 'web'\"\n";
  const skip = policies(vpol({ expression: ECR_ONLY }) + exception(cond));
  assert.deepEqual(evaluate(skip, POD).map((r) => [r.status, r.rule, r.message]), [['skip', 'exception', 'rule is skipped due to policy exception: kyverno/allow-web']]);
  const pass = policies(vpol({ expression: ECR_ONLY }) + exception(`${cond}  reportResult: pass\n`));
  assert.deepEqual(evaluate(pass, POD).map((r) => [r.status, r.message]), [['pass', 'rule is passed due to policy exception: kyverno/allow-web']]);
  const notMatching = policies(vpol({ expression: ECR_ONLY }) + exception(cond.replace("'web'", "'db'")));
  assert.equal(evaluate(notMatching, POD)[0].status, 'fail');
  const images = policies(vpol({ expression: "object.spec.containers.all(c, c.image.startsWith('public.ecr.aws/') || c.image in exceptions.allowedImages)" })
    + exception(`${cond}  images: ["docker.io/library/redis:7"]\n`));
  assert.deepEqual(evaluate(images, POD).flatMap((r) => r.violations.map((v) => v.image)), ['quay.io/x/y']);
});

test('ValidatingAdmissionPolicy: nothing without a binding (and a notice), the binding\'s actions and scope', () => {
  const vap = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: ecr-only
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
      - apiGroups: [""]
        apiVersions: [v1]
        operations: [CREATE, UPDATE]
        resources: [pods]
  validations:
    - expression: ${JSON.stringify(ECR_ONLY)}
`;
  const alone = load(vap);
  assert.equal(alone.policies.length, 1);
  assert.deepEqual(evaluate(alone.policies, POD), []);
  assert.match(alone.notices[0].message, /has no ValidatingAdmissionPolicyBinding.*validates nothing/);

  const binding = (actions: string, extra = ''): string => `---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: ecr-only-binding
spec:
  policyName: ecr-only
  validationActions: ${actions}
${extra}`;
  const [r] = evaluate(policies(vap + binding('[Deny]')), POD);
  assert.equal(r.action, 'Enforce');
  assert.equal(r.rule, 'ecr-only-binding/validations[0]');
  assert.equal(r.message, `ValidatingAdmissionPolicy 'ecr-only' with binding 'ecr-only-binding' denied request: failed expression: ${ECR_ONLY}`);
  assert.deepEqual(r.violations.map((v) => v.image), ['docker.io/library/redis:7', 'quay.io/x/y']);
  assert.equal(evaluate(policies(vap + binding('[Audit]')), POD)[0].action, 'Audit');
  const ignoring = vap.replace('failurePolicy: Fail', 'failurePolicy: Ignore').replace(JSON.stringify(ECR_ONLY), '"object.spec.nope == 1"');
  assert.equal(evaluate(policies(ignoring + binding('[Deny]')), POD)[0].status, 'pass', 'failurePolicy Ignore admits on errors');
  const failing = vap.replace(JSON.stringify(ECR_ONLY), '"object.spec.nope == 1"');
  assert.equal(evaluate(policies(failing + binding('[Deny]')), POD)[0].message,
    "ValidatingAdmissionPolicy 'ecr-only' with binding 'ecr-only-binding' denied request: expression 'object.spec.nope == 1' resulted in error: no such key: nope");
  const narrowed = binding('[Deny]', '  matchResources:\n    namespaceSelector:\n      matchLabels:\n        env: prod\n');
  assert.deepEqual(evaluate(policies(vap + narrowed), POD, { namespaceLabels: { 'team-a': { env: 'dev' } } }), []);
});

test('CEL policy kinds that do not validate offline are listed as notices', () => {
  const out = load('apiVersion: policies.kyverno.io/v1\nkind: ImageValidatingPolicy\nmetadata:\n  name: sigs\nspec: {}\n');
  assert.deepEqual([out.policies.length, out.errors.length], [0, 0]);
  assert.match(out.notices[0].message, /^ImageValidatingPolicy sigs: verifies image signatures/);
});

test('load errors: a compile error is reported at the expression and the policy is not loaded', () => {
  const text = vpol({ expression: "object.spec.containers.all(c, c.image.startsWith('x') &&)" });
  const out = load(text);
  assert.equal(out.policies.length, 0);
  assert.equal(out.errors.length, 1);
  const e = out.errors[0];
  assert.match(e.message, /^ValidatingPolicy registries: spec\.validations\[0\]\.expression: CEL compilation failed: /);
  assert.equal(text[e.offset], ')', 'the offset points at the unexpected token inside the quoted scalar');

  const folded = vpol({ expression: 'x' }).replace('    - expression: "x"\n', '    - expression: >-\n        object.spec.containers.all(c,\n        c.image.startsWith(1 +))\n');
  const f = load(folded).errors[0];
  assert.equal(folded[f.offset], ')', 'inside a folded block scalar as well');
});

test('a kind: List is judged item by item, with paths and ranges inside each item', () => {
  const list = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: one
    spec:
      containers:
        - name: a
          image: docker.io/a:1
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: cfg
`;
  const rs = evaluate(policies(vpol({ expression: ECR_ONLY })), list);
  assert.equal(rs.length, 1);
  assert.equal(rs[0].resource.name, 'one');
  assert.deepEqual(marks(rs[0], list), [['/spec/containers/0/image/', 'docker.io/a:1', 'docker.io/a:1']]);
});

test('documents that no CEL policy matches cost one look at `kind`', () => {
  const ps = policies(vpol({ expression: ECR_ONLY }));
  const doc = parseYamlFile('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n').documents[0].parsed;
  const guarded = { ...doc, contents: doc.contents, toJS: () => { throw new Error('converted'); } };
  assert.deepEqual(evaluateCelDocument(ps, guarded), []);
  // Kyverno documents are configuration, never judged.
  assert.deepEqual(evaluate(policies(vpol({ expression: 'false', resources: '["*"]' }).replace('apiGroups: [""]', 'apiGroups: ["*"]').replace('apiVersions: [v1]', 'apiVersions: ["*"]')), vpol({ expression: 'true' })), []);
});

// ---------------------------------------------------------------------------------------------
// ClusterPolicy validate.cel

function celRule(expressions: string, extra = ''): Record<string, unknown> {
  const doc = parseYamlFile(`name: check-registries
match:
  any:
    - resources:
        kinds: [Pod]
${extra}validate:
  message: Images must come from ECR Public.
  cel:
    variables:
      - name: allContainers
        expression: "object.spec.containers + object.spec.?initContainers.orValue([])"
    expressions:
${expressions}`).documents[0].parsed.toJS();
  return doc as Record<string, unknown>;
}

function view(manifest: string) {
  const v = resourceView(parseYamlFile(manifest).documents[0].parsed);
  assert.ok(v !== undefined);
  return v;
}

test('validate.cel: pass, fail with the rule message and culprits, preconditions, errors', () => {
  const rule = celRule("      - expression: \"variables.allContainers.all(c, c.image.startsWith('public.ecr.aws/'))\"\n");
  const fail = evaluateValidateCel(rule, view(POD));
  assert.equal(fail.status, 'fail');
  assert.equal(fail.message, 'Images must come from ECR Public.');
  assert.deepEqual(fail.violations.map((v) => v.path), ['/spec/containers/1/image/', '/spec/containers/2/image/', '/spec/initContainers/0/image/']);

  const ok = evaluateValidateCel(rule, view('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: public.ecr.aws/a/b\n'));
  assert.deepEqual(ok, { status: 'pass', message: "Validation rule 'check-registries' passed.", violations: [] });

  const noMessage = celRule("      - expression: \"object.metadata.name == 'x'\"\n").validate as Record<string, unknown>;
  delete noMessage.message;
  const fallback = evaluateValidateCel({ name: 'n', validate: noMessage }, view(POD));
  assert.equal(fallback.message, "failed expression: object.metadata.name == 'x'");

  const pre = celRule("      - expression: \"false\"\n", "celPreconditions:\n  - name: only-db\n    expression: \"object.metadata.name == 'db'\"\n");
  assert.deepEqual(evaluateValidateCel(pre, view(POD)), { status: 'skip', message: 'cel preconditions not met', violations: [] });

  const broken = evaluateValidateCel(celRule('      - expression: "object.spec.nope == 1"\n'), view(POD));
  assert.equal(broken.status, 'error');
  assert.equal(broken.message, "expression 'object.spec.nope == 1' resulted in error: no such key: nope");
});

test('validate.cel load errors point into the policy file', () => {
  const text = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p
spec:
  rules:
    - name: r
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        cel:
          expressions:
            - expression: "object.spec.containers.all(c, 1 +)"
`;
  const yaml = parseYamlFile(text);
  const rule = ((yaml.documents[0].parsed.toJS() as { spec: { rules: Record<string, unknown>[] } }).spec.rules[0]);
  const errors = validateCelLoadErrors('p.yaml', yaml.documents[0], ['spec', 'rules', 0], rule, 'ClusterPolicy p');
  assert.equal(errors.length, 1);
  assert.equal(text[errors[0].offset], ')');
});

// ---------------------------------------------------------------------------------------------
// The seed scenario: the workshop's ClusterPolicy and its ValidatingPolicy twin squiggle the same images.

test('seed: the ValidatingPolicy twin marks the same images with the same severities as the ClusterPolicy', () => {
  const seedPolicy = path.join(repoRoot, 'examples', 'seed', 'restrict-image-registries.yaml');
  const set = PolicySet.fromDocuments([{ file: seedPolicy, yaml: parseYamlFile(fs.readFileSync(seedPolicy, 'utf8')) }]);
  assert.deepEqual(set.errors, []);
  const twin = policies(vpol({ name: 'restrict-image-registries', expression: "object.spec.containers.all(c, c.image.startsWith('public.ecr.aws/'))", message: 'Unknown Image registry.' }));
  const manifests = [
    fs.readFileSync(path.join(repoRoot, 'examples', 'seed', 'nginx-pod.yaml'), 'utf8'),
    fs.readFileSync(path.join(repoRoot, 'examples', 'seed', 'ecr-nginx-pod.yaml'), 'utf8'),
    POD, DEPLOYMENT, CRONJOB,
    'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: "postgres:16"\n        - name: b\n          image: \'public.ecr.aws/x/y\'\n        - name: c\n          image: mysql\n',
  ];
  let failing = 0;
  for (const manifest of manifests) {
    for (const d of parseYamlFile(manifest).documents) {
      const summary = (rs: RuleResult[]): string[] => rs.filter((r) => r.status === 'fail')
        .flatMap((r) => r.violations.map((v) => `${r.action} ${v.image} ${v.start}-${v.end} ${v.path}`)).sort();
      const classic = summary(evaluateParsedDocument(set, d.parsed));
      const cel = summary(evaluateCelDocument(twin, d.parsed));
      assert.deepEqual(cel, classic, manifest.split('\n').find((l) => l.startsWith('kind:')));
      failing += cel.length;
    }
  }
  // nginx; redis and quay in the Pod (its init container is outside both policies); the Deployment's,
  // the CronJob's; postgres and mysql in the StatefulSet.
  assert.equal(failing, 7, 'the comparison covered failing images');
});
