import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseYamlFile } from '../../../../server/src/engine/yaml/model';
import { compileMatchBlock, exceptionMatches, ruleMatches, type MatchEnv } from '../../../../server/src/engine/policy/match';
import { resourceView, type ResourceView } from '../../../../server/src/engine/policy/resource';
import { compileSelector, selectorMatches } from '../../../../server/src/engine/policy/selector';

function resource(yaml: string): ResourceView {
  const view = resourceView(parseYamlFile(yaml).documents[0].parsed);
  assert.ok(view);
  return view;
}

const env = (over: Partial<MatchEnv> = {}): MatchEnv => ({ operation: 'CREATE', namespaceLabels: {}, admission: undefined, ...over });

const pod = resource(`apiVersion: v1
kind: Pod
metadata:
  name: web-1
  namespace: shop
  labels: {app: web, tier: front, version: 2}
  annotations: {owner.io/team: payments}
spec:
  containers: [{name: c, image: nginx}]
`);

function matches(match: unknown, exclude?: unknown, r: ResourceView = pod, e: MatchEnv = env()): boolean {
  return ruleMatches(compileMatchBlock(match), exclude === undefined ? undefined : compileMatchBlock(exclude), r, e);
}

test('label selectors: matchLabels with wildcards, matchExpressions, invalid selectors match nothing', () => {
  const labels = { app: 'web', protected: 'label-test' };
  assert.equal(selectorMatches(compileSelector({ matchLabels: { app: 'web' } }), labels), true);
  assert.equal(selectorMatches(compileSelector({ matchLabels: { app: 'api' } }), labels), false);
  assert.equal(selectorMatches(compileSelector({ matchLabels: { protected: '*' } }), labels), true);
  assert.equal(selectorMatches(compileSelector({ matchLabels: { protected: '*-test' } }), labels), true);
  assert.equal(selectorMatches(compileSelector({ matchLabels: { protected: 'test-*' } }), labels), false);
  assert.equal(selectorMatches(compileSelector({ matchLabels: { 'prot*': 'label-?est' } }), labels), true);
  assert.equal(selectorMatches(compileSelector({ matchLabels: { missing: '*' } }), labels), false);
  assert.equal(selectorMatches(compileSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }), labels), true);
  assert.equal(selectorMatches(compileSelector({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }), labels), false);
  assert.equal(selectorMatches(compileSelector({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }), labels), true);
  assert.equal(selectorMatches(compileSelector({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }), labels), true);
  assert.equal(selectorMatches(compileSelector({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }), labels), false);
  assert.equal(selectorMatches(compileSelector({ matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] }), labels), false);
  assert.equal(selectorMatches(compileSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }), labels), false);
  assert.equal(selectorMatches(compileSelector({}), labels), true, 'an empty selector matches everything');
});

test('kinds in every form, names, namespaces, annotations and selectors are ANDed; lists are ORed', () => {
  assert.equal(matches({ any: [{ resources: { kinds: ['Pod'] } }] }), true);
  assert.equal(matches({ any: [{ resources: { kinds: ['v1/Pod'] } }] }), true);
  assert.equal(matches({ any: [{ resources: { kinds: ['apps/v1/Deployment'] } }] }), false);
  assert.equal(matches({ any: [{ resources: { kinds: ['Deployment', 'Pod'] } }] }), true);
  assert.equal(matches({ any: [{ resources: { kinds: ['Pod'], names: ['api-*', 'web-*'] } }] }), true);
  assert.equal(matches({ any: [{ resources: { kinds: ['Pod'], name: 'api-*' } }] }), false);
  assert.equal(matches({ any: [{ resources: { kinds: ['Pod'], namespaces: ['sh?p'] } }] }), true);
  assert.equal(matches({ any: [{ resources: { kinds: ['Pod'], namespaces: ['default'] } }] }), false);
  assert.equal(matches({ any: [{ resources: { kinds: ['Pod'], annotations: { 'owner.io/*': 'pay*' } } }] }), true);
  assert.equal(matches({ any: [{ resources: { kinds: ['Pod'], annotations: { 'owner.io/team': 'search' } } }] }), false);
  assert.equal(matches({ any: [{ resources: { kinds: ['Pod'], selector: { matchLabels: { version: '2' } } } }] }), true, 'label values typed by YAML compare as text');
  assert.equal(matches({ any: [{ resources: { kinds: ['Pod'], operations: ['UPDATE'] } }] }), false, 'the editor evaluates as CREATE');
  assert.equal(matches({ any: [{ resources: { kinds: ['Pod'], operations: ['CREATE', 'UPDATE'] } }] }), true);
});

test('legacy resources, any and all blocks; an empty filter never matches', () => {
  assert.equal(matches({ resources: { kinds: ['Pod'] } }), true);
  assert.equal(matches({ resources: { kinds: ['Service'] } }), false);
  assert.equal(matches({}), false);
  assert.equal(matches({ any: [{ resources: {} }] }), false);
  assert.equal(matches({ all: [{ resources: { kinds: ['Pod'] } }, { resources: { namespaces: ['shop'] } }] }), true);
  assert.equal(matches({ all: [{ resources: { kinds: ['Pod'] } }, { resources: { namespaces: ['other'] } }] }), false);
  assert.equal(matches({ any: [{ resources: { kinds: ['Service'] } }, { resources: { kinds: ['Pod'] } }] }), true);
});

test('exclude: any excludes when one filter matches, all only when every filter does', () => {
  const match = { any: [{ resources: { kinds: ['Pod'] } }] };
  assert.equal(matches(match, { any: [{ resources: { namespaces: ['shop'] } }] }), false);
  assert.equal(matches(match, { any: [{ resources: { namespaces: ['kube-system'] } }] }), true);
  assert.equal(matches(match, { all: [{ resources: { namespaces: ['shop'] } }, { resources: { names: ['web-*'] } }] }), false);
  assert.equal(matches(match, { all: [{ resources: { namespaces: ['shop'] } }, { resources: { names: ['api-*'] } }] }), true);
  assert.equal(matches(match, { resources: { kinds: ['Pod'], namespaces: ['shop'] } }), false);
  assert.equal(matches(match, {}), true, 'an empty exclude excludes nothing');
});

test('user info is ignored in match without admission info, but not in exclude', () => {
  const match = { any: [{ clusterRoles: ['cluster-admin'], resources: { kinds: ['Pod'] } }] };
  assert.equal(matches(match), true);
  assert.equal(matches(match, undefined, pod, env({ admission: { clusterRoles: ['view'] } })), false);
  assert.equal(matches(match, undefined, pod, env({ admission: { clusterRoles: ['cluster-admin'] } })), true);
  const exclude = { any: [{ clusterRoles: ['cluster-admin'], resources: { kinds: ['Pod'] } }] };
  assert.equal(matches({ any: [{ resources: { kinds: ['Pod'] } }] }, exclude), true, 'without admission info the role cannot match, so nothing is excluded');
  const subjects = { any: [{ subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'tools' }], resources: { kinds: ['Pod'] } }] };
  assert.equal(matches(subjects, undefined, pod, env({ admission: { username: 'system:serviceaccount:tools:ci' } })), true);
  assert.equal(matches(subjects, undefined, pod, env({ admission: { username: 'alice' } })), false);
});

test('namespaceSelector uses the namespace labels; without them it does not match', () => {
  const match = { any: [{ resources: { kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } } }] };
  assert.equal(matches(match), false);
  assert.equal(matches(match, undefined, pod, env({ namespaceLabels: { env: 'prod' } })), true);
  assert.equal(matches(match, undefined, pod, env({ namespaceLabels: { env: 'dev' } })), false);
});

test('resources without a namespace are in default; cluster-scoped kinds and Namespace names are handled', () => {
  const bare = resource('apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n');
  assert.equal(bare.namespace, 'default');
  assert.equal((bare.object.metadata as Record<string, unknown>).namespace, 'default');
  assert.equal((bare.source.metadata as Record<string, unknown>).namespace, undefined, 'the parsed document is not modified');
  const ns = resource('apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n');
  assert.equal(ns.namespace, '');
  assert.equal(matches({ any: [{ resources: { kinds: ['Namespace'], namespaces: ['team-*'] } }] }, undefined, ns), true);
  const gen = resource('apiVersion: v1\nkind: Pod\nmetadata: {generateName: job-}\n');
  assert.equal(matches({ any: [{ resources: { kinds: ['Pod'], names: ['job-*'] } }] }, undefined, gen), true);
});

test('PolicyException match: any/all only, user info always checked', () => {
  assert.equal(exceptionMatches(compileMatchBlock({ any: [{ resources: { kinds: ['Pod'], names: ['web*'] } }] }), pod, env()), true);
  assert.equal(exceptionMatches(compileMatchBlock({ resources: { kinds: ['Pod'] } }), pod, env()), false);
  assert.equal(exceptionMatches(compileMatchBlock({ any: [{ clusterRoles: ['admin'], resources: { kinds: ['Pod'] } }] }), pod, env()), false);
  assert.equal(exceptionMatches(compileMatchBlock({ all: [{ resources: { kinds: ['Pod'] } }, { resources: { namespaces: ['shop'] } }] }), pod, env()), true);
});
