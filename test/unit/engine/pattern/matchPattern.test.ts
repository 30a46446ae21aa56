import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { evaluatePattern } from '../../../../server/src/engine/pattern';

const REGISTRIES = 'eu.foo.io/* | bar.io/*';
/** kyverno/policies best-practices/restrict-image-registries. */
const restrictRegistries = {
  spec: {
    '=(ephemeralContainers)': [{ image: REGISTRIES }],
    '=(initContainers)': [{ image: REGISTRIES }],
    containers: [{ image: REGISTRIES }],
  },
};

function pod(containers: string[], initContainers?: string[]): unknown {
  const spec: Record<string, unknown> = { containers: containers.map((image, i) => ({ name: `c${i}`, image })) };
  if (initContainers) spec.initContainers = initContainers.map((image, i) => ({ name: `i${i}`, image }));
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec };
}

test('restrict-image-registries: pass, and fail at the first offending image with Kyverno text', () => {
  assert.deepEqual(evaluatePattern(pod(['eu.foo.io/nginx', 'bar.io/busybox']), restrictRegistries), { status: 'pass', path: '', message: '', failures: [] });
  assert.deepEqual(evaluatePattern(pod(['eu.foo.io/nginx', 'nginx']), restrictRegistries), {
    status: 'fail',
    path: '/spec/containers/1/image/',
    message: "resource value 'nginx' does not match 'eu.foo.io/* | bar.io/*' at path /spec/containers/1/image/",
    failures: ['/spec/containers/1/image/'],
  });
});

test('equality-anchored lists are optional; a plain list that is missing fails as a structure mismatch', () => {
  assert.equal(evaluatePattern(pod(['bar.io/x']), restrictRegistries).status, 'pass');
  const outcome = evaluatePattern(pod(['bar.io/x']), { spec: { initContainers: [{ image: 'x/*' }] } });
  assert.equal(outcome.status, 'fail');
  assert.equal(outcome.path, '/spec/initContainers/');
  assert.equal(outcome.message, 'validation rule failed at path /spec/initContainers/, resource does not satisfy the expected overlay pattern');
});

test('anchors are evaluated before plain keys: an init container fails before the containers', () => {
  const outcome = evaluatePattern(pod(['nginx'], ['busybox']), restrictRegistries);
  assert.equal(outcome.path, '/spec/initContainers/0/image/');
});

test('an empty list passes; a missing image is nil and does not match', () => {
  assert.equal(evaluatePattern({ spec: { containers: [] } }, restrictRegistries).status, 'pass');
  const outcome = evaluatePattern({ spec: { containers: [{ name: 'a' }] } }, restrictRegistries);
  assert.equal(outcome.message, "resource value '<nil>' does not match 'eu.foo.io/* | bar.io/*' at path /spec/containers/0/image/");
});

test('a map pattern against a scalar or missing value reports both Go types', () => {
  assert.equal(
    evaluatePattern({ spec: 'x' }, { spec: { a: 1 } }).message,
    'pattern and resource have different structures. Path: /spec/. Expected map[string]interface {}, found string',
  );
  assert.equal(
    evaluatePattern({}, { spec: { a: 1 } }).message,
    'pattern and resource have different structures. Path: /spec/. Expected map[string]interface {}, found <nil>',
  );
});

test('a scalar pattern against a list checks every element and prints the whole list', () => {
  assert.equal(evaluatePattern({ args: ['a', 'b'] }, { args: 'a | b' }).status, 'pass');
  const outcome = evaluatePattern({ args: ['a', 'c'] }, { args: 'a | b' });
  assert.equal(outcome.path, '/args/');
  assert.equal(outcome.message, "resource value '[a c]' does not match 'a | b' at path /args/");
  assert.equal(evaluatePattern({ args: ['a', 'c'] }, { args: ['a | b'] }).path, '/args/', 'same through a scalar pattern list');
});

test('a list of lists compares pairwise and needs at least as many resource elements', () => {
  assert.equal(evaluatePattern({ m: [['a'], ['b']] }, { m: [['a'], ['b']] }).status, 'pass');
  assert.equal(evaluatePattern({ m: [['a'], ['x']] }, { m: [['a'], ['b']] }).path, '/m/1/');
  const short = evaluatePattern({ m: [['a']] }, { m: [['a'], ['b']] });
  assert.equal(short.status, 'fail');
  assert.equal(short.path, '', 'Kyverno returns this error without a path');
  assert.equal(short.message, 'validate Array failed, array length mismatch, resource Array len is 1 and pattern Array len is 2');
});

test('an empty pattern list is an error of its own', () => {
  const outcome = evaluatePattern({ spec: { containers: [{ image: 'x' }] } }, { spec: { containers: [] } });
  assert.equal(outcome.message, 'pattern Array empty');
  assert.equal(outcome.path, '/spec/containers/');
});

test('"*" alone requires a present, non-null key, with a path-less message format', () => {
  assert.equal(evaluatePattern({ spec: { name: '' } }, { spec: { name: '*' } }).status, 'pass');
  const outcome = evaluatePattern({ spec: { name: null } }, { spec: { name: '*' } });
  assert.equal(outcome.path, '/spec/');
  assert.equal(outcome.message, '/spec//name not found');
});

test('condition anchor: skip when absent or mismatching, siblings checked when it holds', () => {
  const pattern = { spec: { containers: [{ '(image)': '*:latest | !*:*', imagePullPolicy: '!Always' }] } };
  const latestAlways = { spec: { containers: [{ image: 'nginx:latest', imagePullPolicy: 'Always' }] } };
  const pinned = { spec: { containers: [{ image: 'nginx:1.2.3', imagePullPolicy: 'Always' }] } };
  assert.equal(evaluatePattern(latestAlways, pattern).path, '/spec/containers/0/imagePullPolicy/');
  const skipped = evaluatePattern(pinned, pattern);
  assert.equal(skipped.status, 'skip');
  assert.equal(skipped.message, "conditional anchor mismatch: resource value 'nginx:1.2.3' does not match '*:latest | !*:*' at path /spec/containers/0/image/");
  assert.equal(evaluatePattern({ spec: { containers: [{ name: 'x' }] } }, pattern).message, "conditional anchor mismatch: conditional anchor key doesn't exist in the resource");
});

test('a failed condition makes later anchor failures at the same level only recorded', () => {
  const pattern = { spec: { volumes: [{ '(name)': '!cache', '=(emptyDir)': { sizeLimit: '?*' } }] } };
  assert.equal(evaluatePattern({ spec: { volumes: [{ name: 'cache', emptyDir: {} }] } }, pattern).status, 'skip');
  assert.equal(evaluatePattern({ spec: { volumes: [{ name: 'data', emptyDir: {} }] } }, pattern).path, '/spec/volumes/0/emptyDir/sizeLimit/');
});

test('a skip bubbling up from a nested list skips the map only when no sibling anchor applied', () => {
  const pattern = {
    spec: {
      '=(initContainers)': [{ '(name)': '!istio-init', '=(securityContext)': { '=(runAsUser)': '>0' } }],
      '=(containers)': [{ '=(securityContext)': { '=(runAsUser)': '>0' } }],
    },
  };
  const resource = { spec: { initContainers: [{ name: 'istio-init', securityContext: { runAsUser: 0 } }], containers: [{ securityContext: { runAsUser: 1000 } }] } };
  assert.equal(evaluatePattern(resource, pattern).status, 'pass');
  const onlyInit = { spec: { '=(initContainers)': pattern.spec['=(initContainers)'] } };
  assert.equal(evaluatePattern(resource, onlyInit).status, 'skip');
});

test('global anchor: a mismatch anywhere skips the whole rule; absence is fine', () => {
  const pattern = { spec: { containers: [{ '<(image)': '*:latest', imagePullPolicy: '!Always' }] } };
  assert.equal(evaluatePattern({ spec: { containers: [{ image: 'nginx:v1', imagePullPolicy: 'Always' }] } }, pattern).status, 'skip');
  assert.equal(evaluatePattern({ spec: { containers: [{ image: 'nginx:latest', imagePullPolicy: 'Always' }] } }, pattern).status, 'fail');
  assert.equal(evaluatePattern({ spec: { containers: [{ imagePullPolicy: 'Always' }] } }, pattern).status, 'fail');
  const nested = { metadata: { '<(name)': 'nginx' }, spec: { imagePullSecrets: [{ name: 'regcred' }] } };
  const outcome = evaluatePattern({ metadata: { name: 'other' }, spec: { imagePullSecrets: [{ name: 'cred' }] } }, nested);
  assert.equal(outcome.status, 'skip');
  assert.equal(outcome.message, "global anchor mismatch: resource value 'other' does not match 'nginx' at path /metadata/name/");
});

test('negation anchor: present key fails at its path, whatever its value', () => {
  const outcome = evaluatePattern({ spec: { hostNetwork: false } }, { spec: { 'X(hostNetwork)': 'null' } });
  assert.deepEqual(outcome, {
    status: 'fail',
    path: '/spec/hostNetwork/',
    message: 'negation anchor matched in resource: /spec/hostNetwork/ is not allowed',
    failures: ['/spec/hostNetwork/'],
  });
  assert.equal(evaluatePattern({ spec: {} }, { spec: { 'X(hostNetwork)': 'null' } }).status, 'pass');
});

test('existence anchor: each pattern element must match some list element', () => {
  const pattern = { spec: { '^(containers)': [{ image: 'bar.io/*' }] } };
  assert.equal(evaluatePattern(pod(['nginx', 'bar.io/x']), pattern).status, 'pass');
  const missing = evaluatePattern(pod(['nginx']), pattern);
  assert.equal(missing.message, 'existence anchor validation failed at path /spec/containers/');
  assert.equal(evaluatePattern({ spec: { containers: 'x' } }, pattern).message, 'invalid resource type string: Existence ^ () anchor can be used only on list/array type resource');
  assert.equal(
    evaluatePattern({ spec: { containers: [] } }, { spec: { '^(containers)': { image: 'x' } } }).message,
    'invalid pattern type map[string]interface {}: Pattern has to be of list to compare against resource',
  );
});

test('an anchor key that never occurred in the resource turns a failure into an error', () => {
  const pattern = { spec: { '^(volumes)': [{ name: 'a' }], containers: [{ image: 'x/*' }] } };
  const outcome = evaluatePattern(pod(['nginx']), pattern);
  assert.equal(outcome.status, 'error');
  assert.equal(outcome.path, '');
  assert.equal(outcome.message, "resource value 'nginx' does not match 'x/*' at path /spec/containers/0/image/");
  const withVolumes = { ...(pod(['nginx']) as Record<string, Record<string, unknown>>) };
  withVolumes.spec = { ...withVolumes.spec, volumes: [{ name: 'a' }] };
  assert.equal(evaluatePattern(withVolumes, pattern).status, 'fail');
});

test('+() is a literal key in validate', () => {
  assert.equal(evaluatePattern({ spec: { '+(x)': 'y' } }, { spec: { '+(x)': 'y' } }).status, 'pass');
  assert.equal(evaluatePattern({ spec: { x: 'y' } }, { spec: { '+(x)': 'y' } }).path, '/spec/+(x)/');
});

test('keys with anchors below them are checked first, later sorted keys ahead of earlier ones', () => {
  const pattern = { b: { '(k)': 'v', x: 'no' }, a: { '(k)': 'v', x: 'no' }, c: 'no' };
  const resource = { a: { k: 'v', x: 'bad' }, b: { k: 'v', x: 'bad' }, c: 'bad' };
  assert.equal(evaluatePattern(resource, pattern).path, '/b/x/');
});

test('wildcard keys in metadata labels expand to the matching resource key', () => {
  const pattern = { metadata: { labels: { 'app.kubernetes.io/*': '?*' } } };
  assert.equal(evaluatePattern({ metadata: { labels: { 'app.kubernetes.io/name': 'x' } } }, pattern).status, 'pass');
  assert.equal(evaluatePattern({ metadata: { labels: { 'app.kubernetes.io/name': '' } } }, pattern).path, '/metadata/labels/app.kubernetes.io/name/');
  assert.equal(evaluatePattern({ metadata: { labels: { other: 'x' } } }, pattern).path, '/metadata/labels/app.kubernetes.io/*/');
  const anchored = { metadata: { labels: { '=(team/*)': 'a' } } };
  assert.equal(evaluatePattern({ metadata: { labels: { 'team/x': 'b' } } }, anchored).path, '/metadata/labels/team/x/');
  assert.equal(evaluatePattern({ metadata: { labels: { other: 'b' } } }, anchored).status, 'pass');
});

test('wildcard keys outside metadata labels and annotations stay literal', () => {
  assert.equal(evaluatePattern({ spec: { 'a*': 1, ab: 2 } }, { spec: { 'a*': 1 } }).status, 'pass');
  assert.equal(evaluatePattern({ spec: { ab: 1 } }, { spec: { 'a*': 1 } }).path, '/spec/a*/');
});

test('the pattern object is never modified', () => {
  const pattern = { metadata: { labels: { 'app/*': 'x' } }, spec: { containers: [{ image: 'a/*' }] } };
  const before = JSON.stringify(pattern);
  evaluatePattern({ metadata: { labels: { 'app/n': 'x' } }, spec: { containers: [{ image: 'b' }] } }, pattern, { collectAll: true });
  assert.equal(JSON.stringify(pattern), before);
});

test('odd input never throws', () => {
  const odd: unknown[] = [undefined, null, 1, 'x', [], {}, { a: undefined }, [[[]]], () => 1, Symbol('s'), new Date(0)];
  for (const resource of odd) {
    for (const pattern of odd) {
      const outcome = evaluatePattern(resource, pattern, { collectAll: true });
      assert.ok(['pass', 'fail', 'skip', 'error'].includes(outcome.status));
    }
  }
  assert.equal(evaluatePattern('x', () => 1).message, "failed at '/', pattern contains unknown type");
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.notEqual(evaluatePattern(cyclic, cyclic).status, 'pass');
  assert.equal(evaluatePattern({ constructor: 'x' }, { toString: 'x' }).path, '/toString/', 'no prototype lookups');
});
