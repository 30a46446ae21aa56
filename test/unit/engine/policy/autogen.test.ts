import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseYamlFile } from '../../../../server/src/engine/yaml/model';
import { autogenApplies, autogenStatusRules, canAutoGen, computeAutogenRules, shiftReferences, type RawRule } from '../../../../server/src/engine/policy/autogen';
import { kyvernoDataDir } from '../../../support/paths';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- generated rules are untyped JSON
type Json = Record<string, any>;

const podRule = (over: RawRule = {}): RawRule => ({
  name: 'check',
  match: { any: [{ resources: { kinds: ['Pod'] } }] },
  validate: { message: 'msg', failureAction: 'Enforce', pattern: { spec: { containers: [{ image: 'x/*' }] } } },
  ...over,
});

/** Chainsaw/kyverno-json assertion semantics: expected keys must be present and equal; lists element-wise with equal length. */
function subsetMismatch(expected: unknown, actual: unknown, where = ''): string | undefined {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${where}: expected a list`;
    if (expected.length !== actual.length) return `${where}: expected ${expected.length} items, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const m = subsetMismatch(expected[i], actual[i], `${where}[${i}]`);
      if (m !== undefined) return m;
    }
    return undefined;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return `${where}: expected a mapping`;
    for (const [k, v] of Object.entries(expected)) {
      const m = subsetMismatch(v, (actual as Record<string, unknown>)[k], `${where}.${k}`);
      if (m !== undefined) return m;
    }
    return undefined;
  }
  return expected === actual ? undefined : `${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

const conformanceDir = path.join(kyvernoDataDir, 'cli-fixtures', 'test', 'conformance', 'chainsaw', 'autogen');

/**
 * The expected status comes from a cluster, so it carries CRD defaults the API server adds to every rule
 * (skipBackgroundRequests: true, validate.allowExistingViolations: true) and Go's empty `resources: {}`
 * next to `any`. Those are not autogen's doing; they are removed before comparing.
 */
function withoutServerDefaults(rules: Json[]): Json[] {
  return rules.map((r) => {
    const out = structuredClone(r);
    if (out.skipBackgroundRequests === true) delete out.skipBackgroundRequests;
    if (out.validate?.allowExistingViolations === true) delete out.validate.allowExistingViolations;
    for (const block of [out.match, out.exclude]) {
      if (block !== undefined && block.resources !== undefined && Object.keys(block.resources).length === 0) delete block.resources;
    }
    return out;
  });
}

const autogenCases = fs.readdirSync(conformanceDir).filter((n) => fs.statSync(path.join(conformanceDir, n)).isDirectory()).sort();

test('the autogen conformance corpus is present', () => {
  assert.ok(autogenCases.length >= 16, `found ${autogenCases.length} cases`);
});

for (const name of autogenCases) {
  test(`Kyverno conformance autogen/${name}: status.autogen.rules`, () => {
    const policy = parseYamlFile(fs.readFileSync(path.join(conformanceDir, name, 'policy.yaml'), 'utf8')).documents[0].parsed.toJS() as Json;
    const check = parseYamlFile(fs.readFileSync(path.join(conformanceDir, name, 'check-autogen.yaml'), 'utf8')).documents[0].parsed.toJS() as Json;
    const generated = autogenStatusRules(policy.spec.rules, policy.metadata.annotations ?? {});
    const expected = withoutServerDefaults(check.status.autogen.rules ?? []);
    const mismatch = subsetMismatch(expected, generated, 'rules');
    assert.equal(mismatch, undefined, `${mismatch}\n${JSON.stringify(generated, null, 1)}`);
  });
}

test('per-kind rules: a Deployment gets autogen-<rule> for its own kind, a CronJob autogen-cronjob-<rule>, a Pod none', () => {
  const rules = [podRule()];
  const deploy = computeAutogenRules(rules, 'Deployment').rules;
  assert.deepEqual(deploy.map((r) => r.name), ['check', 'autogen-check']);
  assert.deepEqual((deploy[1].match as Json).any[0].resources.kinds, ['apps/v1/Deployment']);
  assert.deepEqual((deploy[1].validate as Json).pattern, { spec: { template: { spec: { containers: [{ image: 'x/*' }] } } } });
  assert.equal((deploy[1].validate as Json).failureAction, 'Enforce');
  const cron = computeAutogenRules(rules, 'CronJob');
  assert.deepEqual(cron.rules.map((r) => r.name), ['check', 'autogen-cronjob-check']);
  assert.deepEqual(cron.generatedFrom, [undefined, 0]);
  assert.deepEqual((cron.rules[1].match as Json).any[0].resources.kinds, ['batch/v1/CronJob']);
  assert.deepEqual((cron.rules[1].validate as Json).pattern, { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ image: 'x/*' }] } } } } } });
  assert.equal(autogenApplies({}, 'Pod', true), false);
  assert.equal(autogenApplies({}, 'StatefulSet', true), true);
  assert.equal(autogenApplies({}, 'Service', true), false);
});

test('the autogen-controllers annotation: none, subsets, no trimming, unknown kinds', () => {
  const ann = (v: string) => ({ 'pod-policies.kyverno.io/autogen-controllers': v });
  assert.equal(autogenApplies(ann('none'), 'Deployment', true), false);
  assert.equal(autogenApplies(ann('Deployment,CronJob'), 'CronJob', true), true);
  assert.equal(autogenApplies(ann('Deployment,CronJob'), 'StatefulSet', true), false);
  assert.equal(autogenApplies(ann('Deployment, StatefulSet'), 'StatefulSet', true), false, 'split on "," without trimming');
  assert.equal(autogenApplies(ann('CloneSet'), 'CloneSet', true), true);
  const clone = computeAutogenRules([podRule()], 'CloneSet').rules;
  assert.deepEqual((clone[1].match as Json).any[0].resources.kinds, ['CloneSet'], 'a list of only unknown kinds is used as written');
  assert.equal(autogenApplies({}, 'Deployment', false), false);
});

test('autogen is skipped for the whole policy by names, selectors, annotations, mixed kinds or no Pod kind', () => {
  assert.equal(canAutoGen([podRule()]), true);
  assert.equal(canAutoGen([podRule({ match: { any: [{ resources: { kinds: ['Pod'], names: ['a'] } }] } })]), false);
  assert.equal(canAutoGen([podRule({ match: { any: [{ resources: { kinds: ['Pod'], selector: { matchLabels: { a: 'b' } } } }] } })]), false);
  assert.equal(canAutoGen([podRule({ match: { resources: { kinds: ['Pod'], annotations: {} } } })]), false);
  assert.equal(canAutoGen([podRule({ match: { any: [{ resources: { kinds: ['Pod', 'Deployment'] } }] } })]), false);
  assert.equal(canAutoGen([podRule({ match: { any: [{ resources: { kinds: ['Service'] } }] } })]), false);
  assert.equal(canAutoGen([podRule({ exclude: { any: [{ resources: { kinds: ['Pod'], name: 'x' } }] } })]), false);
  assert.equal(canAutoGen([podRule({ match: { any: [{ resources: { kinds: ['v1/Pod'] } }] } })]), false, 'only exact kind names make autogen needed');
  assert.equal(canAutoGen([podRule(), { name: 'g', match: { any: [{ resources: { kinds: ['Namespace'] } }] }, generate: {} }]), false);
});

test('autogen is skipped for one rule without Pod, with a non-Pod exclude, or already named autogen-', () => {
  const other = { name: 'svc', match: { any: [{ resources: { kinds: ['Service'] } }] }, validate: { pattern: { spec: {} } } };
  const excl = podRule({ name: 'excl', exclude: { any: [{ resources: { kinds: ['Deployment'] } }] } });
  const named = podRule({ name: 'autogen-x' });
  const out = computeAutogenRules([podRule(), other, excl, named], 'Deployment').rules.map((r) => r.name);
  assert.deepEqual(out, ['check', 'svc', 'excl', 'autogen-check'], 'the written autogen-x rule is dropped once rules are generated');
});

test('match/exclude rewrites: only Pod filters of any/all, legacy kinds, non-empty exclude kinds', () => {
  const rule = podRule({
    match: { any: [{ resources: { kinds: ['Pod'] } }, { resources: { kinds: ['Service'] } }] },
    exclude: { any: [{ resources: { kinds: ['Pod'], namespaces: ['kube-system'] } }, { resources: { namespaces: ['infra'] } }] },
  });
  const [, gen] = computeAutogenRules([rule], 'Job').rules;
  assert.deepEqual((gen.match as Json).any.map((f: Json) => f.resources.kinds), [['batch/v1/Job'], ['Service']]);
  assert.deepEqual((gen.exclude as Json).any.map((f: Json) => f.resources.kinds), [['batch/v1/Job'], undefined]);
  const [, cron] = computeAutogenRules([rule], 'CronJob').rules;
  assert.deepEqual((cron.exclude as Json).any.map((f: Json) => f.resources.kinds), [['batch/v1/CronJob'], ['batch/v1/CronJob']]);
  const legacy = podRule({ match: { resources: { kinds: ['Pod'] } }, exclude: { resources: { namespaces: ['x'] } } });
  const [, lg] = computeAutogenRules([legacy], 'ReplicaSet').rules;
  assert.deepEqual((lg.match as Json).resources.kinds, ['apps/v1/ReplicaSet']);
  assert.equal((lg.exclude as Json).resources.kinds, undefined);
});

test('anyPattern alternatives are wrapped; deny, foreach, preconditions and context are rewritten textually', () => {
  const any = podRule({ validate: { anyPattern: [{ spec: { a: 1 } }, { metadata: { labels: { b: '2' } } }] } });
  const [, g] = computeAutogenRules([any], 'Deployment').rules;
  assert.deepEqual((g.validate as Json).anyPattern, [{ spec: { template: { spec: { a: 1 } } } }, { spec: { template: { metadata: { labels: { b: '2' } } } } }]);
  const deny = podRule({
    context: [{ name: 'n', variable: { jmesPath: 'request.object.metadata.name' } }],
    preconditions: { all: [{ key: '{{ request.object.spec.hostNetwork }}', operator: 'Equals', value: true }] },
    validate: {
      message: 'bad {{ request.object.metadata.name }}',
      foreach: [{ list: 'request.object.spec.containers', deny: { conditions: { any: [{ key: '{{ element.image }}', operator: 'Equals', value: 'x' }] } } }],
    },
  });
  const [, d] = computeAutogenRules([deny], 'Deployment').rules;
  assert.equal((d.context as Json)[0].variable.jmesPath, 'request.object.spec.template.metadata.name');
  assert.equal((d.preconditions as Json).all[0].key, '{{ request.object.spec.template.spec.hostNetwork }}');
  assert.equal((d.validate as Json).foreach[0].list, 'request.object.spec.template.spec.containers');
  assert.equal((d.validate as Json).message, 'bad {{ request.object.spec.template.metadata.name }}');
  const [, c] = computeAutogenRules([deny], 'CronJob').rules;
  assert.equal((c.validate as Json).foreach[0].list, 'request.object.spec.jobTemplate.spec.template.spec.containers');
});

test('generated names are truncated to 63 characters', () => {
  const long = 'r'.repeat(60);
  const names = [...computeAutogenRules([podRule({ name: long })], 'Deployment').rules, ...computeAutogenRules([podRule({ name: long })], 'CronJob').rules].map((r) => r.name as string);
  assert.ok(names.includes(`autogen-${long}`.slice(0, 63)));
  assert.ok(names.includes(`autogen-cronjob-${long}`.slice(0, 63)));
  assert.ok(names.every((n) => n.length <= 63));
});

test('$() references in messages are shifted below the wrapped pattern', () => {
  assert.equal(shiftReferences('value $(./../pattern/spec/x) here', 'spec/template', 'pattern'), 'value $(./../pattern/spec/template/spec/x) here');
  assert.equal(shiftReferences('no references', 'spec/template', 'pattern'), 'no references');
});
