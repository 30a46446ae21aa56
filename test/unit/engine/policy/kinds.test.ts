import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { checkKind, containsKind, groupVersionKind, parseKindSelector } from '../../../../server/src/engine/policy/kinds';

test('parses every kind selector form as Kyverno ParseKindSelector', () => {
  const cases: [string, [string, string, string, string]][] = [
    ['Pod', ['*', '*', 'Pod', '']],
    ['v1/Pod', ['*', 'v1', 'Pod', '']],
    ['apps/v1/Deployment', ['apps', 'v1', 'Deployment', '']],
    ['apps/v1beta1/Deployment', ['apps', 'v1beta1', 'Deployment', '']],
    ['Pod/exec', ['*', '*', 'Pod', 'exec']],
    ['Pod.status', ['*', '*', 'Pod', 'status']],
    ['v1/Pod/status', ['*', 'v1', 'Pod', 'status']],
    ['v1/Pod.status', ['*', 'v1', 'Pod', 'status']],
    ['apps/v1/Deployment/scale', ['apps', 'v1', 'Deployment', 'scale']],
    ['*', ['*', '*', '*', '']],
    ['*/*', ['*', '*', '*', '*']],
    ['*/scale', ['*', '*', '*', 'scale']],
    ['networking.k8s.io/v1/Ingress', ['networking.k8s.io', 'v1', 'Ingress', '']],
    ['a/b/c/d/e', ['', '', '', '']],
  ];
  for (const [input, [group, version, kind, subresource]] of cases) {
    assert.deepEqual(parseKindSelector(input), { group, version, kind, subresource }, input);
  }
});

test('checkKind matches group, version and kind with wildcards and ignores subresource selectors for the object itself', () => {
  const pod = groupVersionKind('v1', 'Pod');
  const deploy = groupVersionKind('apps/v1', 'Deployment');
  const sel = (...s: string[]) => s.map(parseKindSelector);
  assert.equal(checkKind(sel('Pod'), pod, '', true), true);
  assert.equal(checkKind(sel('v1/Pod'), pod, '', true), true);
  assert.equal(checkKind(sel('v2/Pod'), pod, '', true), false);
  assert.equal(checkKind(sel('apps/v1/Deployment'), deploy, '', true), true);
  assert.equal(checkKind(sel('apps/v1beta1/Deployment'), deploy, '', true), false);
  assert.equal(checkKind(sel('*'), deploy, '', true), true);
  assert.equal(checkKind(sel('*/*'), deploy, '', true), true);
  assert.equal(checkKind(sel('Deploy*'), deploy, '', true), true);
  assert.equal(checkKind(sel('Pod/exec'), pod, '', true), false, 'a subresource selector does not match the object');
  assert.equal(checkKind(sel('Pod'), pod, 'exec', true), true, 'a plain kind matches any subresource');
  assert.equal(checkKind(sel('Pod/status'), pod, 'ephemeralcontainers', true), true, 'ephemeral containers still match Pod rules');
  assert.equal(checkKind(sel('Pod/status'), pod, 'ephemeralcontainers', false), false);
  assert.equal(checkKind(sel('pod'), pod, '', true), false, 'kinds are case sensitive');
});

test('groupVersionKind splits apiVersion', () => {
  assert.deepEqual(groupVersionKind('v1', 'Pod'), { group: '', version: 'v1', kind: 'Pod' });
  assert.deepEqual(groupVersionKind('batch/v1', 'CronJob'), { group: 'batch', version: 'v1', kind: 'CronJob' });
});

test('containsKind compares only the kind part, as autogen does', () => {
  assert.equal(containsKind(['Pod'], 'Pod'), true);
  assert.equal(containsKind(['v1/Pod'], 'Pod'), true);
  assert.equal(containsKind(['Pod/exec'], 'Pod'), true);
  assert.equal(containsKind(['Pod.status'], 'Pod'), true);
  assert.equal(containsKind(['*'], 'Pod'), false);
  assert.equal(containsKind(['apps/v1/Deployment'], 'Pod'), false);
  assert.equal(containsKind(['Deployment', 'v1/Pod'], 'Pod'), true);
});
