import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildImagesVariable } from '../../../../server/src/engine/image';
import { findVariables, substituteVariables, trySubstituteVariables, type EvalContext } from '../../../../server/src/engine/jmespath';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'apps', labels: { app: 'web', ref: 'metadata.name' } },
  spec: { serviceAccountName: 'sa', containers: [{ name: 'nginx', image: 'nginx:1.25' }] },
};

function ctx(extra: Record<string, unknown> = {}): EvalContext {
  return { request: { object: pod, operation: 'CREATE', namespace: 'apps' }, images: buildImagesVariable(pod), ...extra };
}

function errorOf(value: unknown, c: EvalContext = ctx(), path?: string): string {
  const r = trySubstituteVariables(value, c, path === undefined ? {} : { path });
  assert.ok('error' in r, `expected an error, got ${JSON.stringify(r)}`);
  return r.error;
}

test('a string that is exactly one variable becomes the typed value', () => {
  assert.deepEqual(substituteVariables('{{ request.object.metadata.labels }}', ctx()), { app: 'web', ref: 'metadata.name' });
  assert.deepEqual(substituteVariables('{{request.object.spec.containers[].name}}', ctx()), ['nginx']);
  assert.equal(substituteVariables('{{ length(request.object.spec.containers) }}', ctx()), 1);
  assert.equal(substituteVariables('{{ request.object.metadata.generateName || null }}', { ...ctx(), request: { ...ctx().request, object: { metadata: { generateName: null } } } }), null);
});

test('embedded variables are stringified: strings as they are, the rest as Go JSON', () => {
  assert.equal(substituteVariables('{{request.object.metadata.name}}-{{ request.namespace }}', ctx()), 'web-apps');
  assert.equal(substituteVariables('n={{ request.object.spec.containers[0] }}', ctx()), 'n={"image":"nginx:1.25","name":"nginx"}');
  assert.equal(substituteVariables('count: {{ length(request.object.spec.containers) }}', ctx()), 'count: 1');
  assert.equal(substituteVariables('image {{ images.containers.nginx.registry }}/{{ images.containers.nginx.path }}', ctx()), 'image docker.io/nginx');
});

test('objects, arrays and map keys are traversed', () => {
  assert.deepEqual(
    substituteVariables({ a: ['{{ request.object.metadata.name }}', 1, true, null], '{{ request.object.metadata.labels.app }}': { b: 'x{{request.namespace}}' } }, ctx()),
    { a: ['web', 1, true, null], web: { b: 'xapps' } },
  );
  assert.equal(errorOf({ '{{ request.object.spec.containers }}': 1 }), 'expected string after substituting variables in key "{{ request.object.spec.containers }}"');
});

test('escaped variables stay literal (without the backslash)', () => {
  assert.equal(substituteVariables('\\{{ not.a.variable }}', ctx()), '{{ not.a.variable }}');
  assert.equal(substituteVariables('a \\{{x}} b {{request.namespace}}', ctx()), 'a {{x}} b apps');
});

test('nested variables resolve inside out', () => {
  const c = ctx({ saMap: { data: { sa: 'ghcr.io/*' } } });
  assert.equal(substituteVariables('{{ saMap.data."{{ request.object.spec.serviceAccountName }}" }}', c), 'ghcr.io/*');
  // Two adjacent variables: the second is found once the first is replaced.
  assert.equal(substituteVariables('{{request.namespace}}{{request.object.metadata.name}}', ctx()), 'appsweb');
});

test('a substituted value is not substituted again when it is the whole string', () => {
  const object = { metadata: { name: '{{ request.namespace }}' } };
  assert.equal(substituteVariables('{{ request.object.metadata.name }}', { request: { object, operation: 'CREATE' }, images: {} }), '{{ request.namespace }}');
});

test('a value that keeps expanding into variables stops with an error', () => {
  const object = { metadata: { name: 'x{{ request.object.metadata.name }}' } };
  assert.match(errorOf('x{{ request.object.metadata.name }}', { request: { object, operation: 'CREATE' }, images: {} }), /too many nested variable substitutions/);
});

test('unresolvable variables fail with Kyverno\'s wrapped message', () => {
  assert.equal(errorOf('{{ request.object.metadata.labels.team }}'), 'failed to resolve request.object.metadata.labels.team at path : JMESPath query failed: Unknown key "team" in path');
  assert.equal(errorOf({ spec: { image: '{{ element.image }}' } }, ctx(), '/validate/pattern'), 'failed to resolve element.image at path /validate/pattern/spec/image: JMESPath query failed: Unknown key "element" in path');
  assert.match(errorOf('{{ a. }}'), /^failed to resolve a\. at path : incorrect query a\.: /);
  assert.equal(errorOf('{{ }}'), 'failed to resolve  at path : invalid query (nil)');
  // No images at all: Kyverno has no `images` key.
  assert.equal(errorOf('{{ images.containers.nginx.tag }}', { request: { object: {}, operation: 'CREATE' }, images: {} }), 'failed to resolve images.containers.nginx.tag at path : JMESPath query failed: Unknown key "images" in path');
});

test('an images extraction error fails every query that mentions images', () => {
  const c = { request: { object: pod, operation: 'CREATE' } } as unknown as EvalContext;
  Object.defineProperty(c, 'images', { enumerable: true, get: () => { throw new Error("invalid image 'Bad' (bad image)"); } });
  assert.equal(errorOf('{{ images.containers.*.registry }}', c), "failed to resolve images.containers.*.registry at path : invalid image 'Bad' (bad image)");
  assert.equal(substituteVariables('{{ request.object.metadata.name }}', c), 'web');
});

test('element and elementIndex from a foreach', () => {
  const c = ctx({ element: { name: 'nginx', image: 'nginx:1.25' }, elementIndex: 0 });
  assert.equal(substituteVariables('{{ element.image }} at {{ elementIndex }}', c), 'nginx:1.25 at 0');
  assert.equal(substituteVariables('{{ elementIndex }}', c), 0);
});

test('DELETE requests read request.oldObject', () => {
  const c: EvalContext = { request: { object: null, oldObject: pod, operation: 'DELETE' }, images: {} };
  assert.equal(substituteVariables('{{ request.object.metadata.name }}', c), 'web');
});

test('{{@}} is the current leaf of the resource', () => {
  const pattern = substituteVariables({ spec: { containers: [{ image: '{{@}}' }] } }, ctx(), { path: '/validate/pattern' });
  assert.deepEqual(pattern, { spec: { containers: [{ image: 'nginx:1.25' }] } });
});

test('variable scanning follows Go\'s regular expression exactly', () => {
  assert.deepEqual(findVariables('{{a}}'), ['{{a}}']);
  assert.deepEqual(findVariables('x{{a}}'), ['x{{a}}']);
  assert.deepEqual(findVariables('{{a}}{{b}}'), ['{{a}}']); // the second has no free prefix character
  assert.deepEqual(findVariables('{{a}} {{b}}'), ['{{a}}', ' {{b}}']);
  assert.deepEqual(findVariables('\\{{a}}'), []);
  assert.deepEqual(findVariables('{{ {a: b} }}'), ['{{ {a: b} }}']);
  assert.deepEqual(findVariables('{{ x."{{ y }}" }}'), ['"{{ y }}']);
  assert.deepEqual(findVariables('{{{a}}'), ['{{{a}}']);
  assert.deepEqual(findVariables('{{a}'), []);
  assert.deepEqual(findVariables('{'.repeat(10_000)), []);
  assert.deepEqual(findVariables(`{{${'{a}'.repeat(5_000)}`), []);
});

test('cases from Kyverno\'s vars_test.go', () => {
  const object = { metadata: { name: 'temp', annotations: { test: 'name' } }, simple_object_null: null, complex_object_map: { key2: 'value2', key1: 'value1' } };
  const c: EvalContext = { request: { object, operation: 'CREATE' }, images: {} };
  assert.equal(substituteVariables('"{{request.object.metadata.annotations.test}}"', c), '"name"');
  assert.equal(substituteVariables('"{{request.object.metadata.{{request.object.metadata.annotations.test}}}}"', c), '"temp"');
  assert.ok('error' in trySubstituteVariables('"{{request.object.metadata.{{request.object.metadata.annotations.test2}}}}"', c));
  assert.equal(substituteVariables('{{ request.object.simple_object_null }}', c), null);
  assert.equal(substituteVariables('content = {{ request.object.simple_object_null }}', c), 'content = null');
  assert.equal(substituteVariables('content is {{ request.object.complex_object_map }}', c), 'content is {"key1":"value1","key2":"value2"}');
  const deleting: EvalContext = {
    request: { object: null, oldObject: { metadata: { annotations: { target: 'nested_target', targetnew: 'target' } } }, operation: 'DELETE' },
    images: {},
  };
  assert.equal(substituteVariables('{{request.object.metadata.annotations.{{request.object.metadata.annotations.targetnew}}}}', deleting), 'nested_target');
});
