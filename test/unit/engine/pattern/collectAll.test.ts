import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { evaluatePattern } from '../../../../server/src/engine/pattern';

const REGISTRIES = 'eu.foo.io/* | bar.io/*';
const restrictRegistries = {
  spec: {
    '=(ephemeralContainers)': [{ image: REGISTRIES }],
    '=(initContainers)': [{ image: REGISTRIES }],
    containers: [{ image: REGISTRIES }],
  },
};
const containers = (...images: string[]): Record<string, unknown>[] => images.map((image, i) => ({ name: `c${i}`, image }));

test('collects every failing image across containers and initContainers', () => {
  const resource = { spec: { containers: containers('nginx', 'bar.io/ok', 'ghcr.io/x'), initContainers: containers('eu.foo.io/ok', 'busybox') } };
  const first = evaluatePattern(resource, restrictRegistries);
  const all = evaluatePattern(resource, restrictRegistries, { collectAll: true });
  assert.equal(first.path, '/spec/initContainers/1/image/');
  assert.deepEqual(first.failures, ['/spec/initContainers/1/image/']);
  assert.deepEqual({ ...all, failures: undefined }, { ...first, failures: undefined });
  assert.deepEqual(all.failures, ['/spec/initContainers/1/image/', '/spec/containers/0/image/', '/spec/containers/2/image/']);
});

test('the same under autogen nesting (Deployment and CronJob shapes)', () => {
  const pattern = { spec: { template: restrictRegistries } };
  const deployment = { kind: 'Deployment', spec: { template: { spec: { containers: containers('a', 'bar.io/b', 'c') } } } };
  const all = evaluatePattern(deployment, pattern, { collectAll: true });
  assert.deepEqual(all.failures, ['/spec/template/spec/containers/0/image/', '/spec/template/spec/containers/2/image/']);
  const cron = { spec: { jobTemplate: { spec: { template: { spec: { containers: containers('a', 'b') } } } } } };
  const cronPattern = { spec: { jobTemplate: { spec: { template: restrictRegistries } } } };
  assert.deepEqual(evaluatePattern(cron, cronPattern, { collectAll: true }).failures, [
    '/spec/jobTemplate/spec/template/spec/containers/0/image/',
    '/spec/jobTemplate/spec/template/spec/containers/1/image/',
  ]);
});

test('collects every failing key of one element, not just every element', () => {
  const pattern = { spec: { containers: [{ image: 'bar.io/*', imagePullPolicy: 'Always' }] } };
  const resource = { spec: { containers: [{ image: 'x', imagePullPolicy: 'Never' }, { image: 'bar.io/y', imagePullPolicy: 'Always' }] } };
  assert.deepEqual(evaluatePattern(resource, pattern, { collectAll: true }).failures, [
    '/spec/containers/0/image/',
    '/spec/containers/0/imagePullPolicy/',
  ]);
});

test('skipped elements contribute nothing', () => {
  const pattern = { spec: { containers: [{ '(name)': '!istio-*', image: 'bar.io/*' }] } };
  const resource = { spec: { containers: [{ name: 'istio-proxy', image: 'docker.io/istio' }, { name: 'app', image: 'nginx' }, { name: 'web', image: 'httpd' }] } };
  const all = evaluatePattern(resource, pattern, { collectAll: true });
  assert.equal(all.status, 'fail');
  assert.equal(all.path, '/spec/containers/1/image/');
  assert.deepEqual(all.failures, ['/spec/containers/1/image/', '/spec/containers/2/image/']);
});

test('when Kyverno skips or passes, there are no failures even if something else would fail', () => {
  const globalSkip = { spec: { containers: [{ '<(image)': '*:latest', imagePullPolicy: '!Always' }] } };
  const resource = { spec: { containers: [{ image: 'nginx:v1', imagePullPolicy: 'Always' }, { image: 'nginx:v2', imagePullPolicy: 'Always' }] } };
  assert.deepEqual(evaluatePattern(resource, globalSkip, { collectAll: true }), evaluatePattern(resource, globalSkip));
  assert.deepEqual(evaluatePattern(resource, globalSkip, { collectAll: true }).failures, []);
  assert.deepEqual(evaluatePattern({ spec: { containers: containers('bar.io/a') } }, restrictRegistries, { collectAll: true }).failures, []);
});

test('collectAll never turns a fail into an error, even when it walks past anchors Kyverno never reached', () => {
  // Kyverno stops at containers/0, before the existence anchor under the second element's map is
  // seen as missing; a full walk sees it missing, but the status must stay Kyverno's.
  const pattern = { spec: { containers: [{ image: 'bar.io/*', '=(ports)': [{ '^(names)': [{ a: 1 }] }] }] } };
  const resource = { spec: { containers: [{ image: 'x' }, { image: 'y', ports: [{ other: 1 }] }] } };
  const plain = evaluatePattern(resource, pattern);
  const all = evaluatePattern(resource, pattern, { collectAll: true });
  assert.equal(plain.status, 'fail');
  assert.equal(all.status, 'fail');
  assert.deepEqual(all.failures, ['/spec/containers/0/image/', '/spec/containers/1/image/']);
});

test('a scalar pattern against a list is one failure at the list path', () => {
  const all = evaluatePattern({ a: { args: ['x', 'y'] }, b: 'no' }, { a: { args: 'z' }, b: 'yes' }, { collectAll: true });
  assert.deepEqual(all.failures, ['/a/args/', '/b/']);
});

test('negation failures are collected as well', () => {
  const pattern = { spec: { containers: [{ 'X(securityContext)': 'null', image: 'bar.io/*' }] } };
  const resource = { spec: { containers: [{ image: 'bar.io/a', securityContext: {} }, { image: 'nginx' }] } };
  const all = evaluatePattern(resource, pattern, { collectAll: true });
  assert.equal(all.path, '/spec/containers/0/securityContext/');
  assert.deepEqual(all.failures, ['/spec/containers/0/securityContext/', '/spec/containers/1/image/']);
});
