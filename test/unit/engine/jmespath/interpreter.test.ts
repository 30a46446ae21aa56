import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { jmespathSearch, JmesPathError, NotFoundError } from '../../../../server/src/engine/jmespath';

const data = {
  request: {
    object: {
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] },
          { name: 'side', image: 'ghcr.io/x/side:1' },
        ],
        volumes: [{ name: 'v', emptyDir: {} }, { name: 'h', hostPath: { path: '/' } }],
      },
    },
    operation: 'CREATE',
  },
};

const search = (expression: string, input: unknown = data): unknown => jmespathSearch(expression, input);

function errorOf(expression: string, input: unknown = data): JmesPathError {
  try {
    search(expression, input);
  } catch (error) {
    assert.ok(error instanceof JmesPathError, `not a JmesPathError: ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${expression} to fail`);
}

test('a missing key on a path is Kyverno\'s "Unknown key" error, not null', () => {
  const e = errorOf('request.object.metadata.labels.team');
  assert.ok(e instanceof NotFoundError);
  assert.equal(e.message, 'Unknown key "team" in path');
  assert.equal(errorOf('request.object.metadata.annotations.x').message, 'Unknown key "annotations" in path');
  assert.equal(errorOf('nothing').message, 'Unknown key "nothing" in path');
  // A null or non-object value yields null, as in plain JMESPath.
  assert.equal(search('a.b', { a: null }), null);
  assert.equal(search('a.b', { a: 'text' }), null);
  assert.equal(search('a.b', { a: [1] }), null);
  assert.equal(search('a[0].b', { a: [] }), null);
});

test('projections, filters, flatten, pipes, || and functions absorb the missing key', () => {
  assert.deepEqual(search('request.object.spec.containers[*].ports[0].containerPort'), [80]);
  assert.equal(search('request.object.spec.missing[*].x'), null);
  assert.equal(search('request.object.spec.missing[].x'), null);
  assert.deepEqual(search("request.object.spec.volumes[?hostPath].name"), ['h']);
  assert.deepEqual(search('request.object.spec.volumes[?contains(keys(@), \'emptyDir\')].name'), ['v']);
  assert.equal(search("(request.object.metadata.annotations.x || '') | length(@)"), 0);
  assert.equal(search("request.object.metadata.annotations.x || 'none'"), 'none');
  assert.equal(search('request.object.metadata.labels.team | @'), null);
  assert.equal(search('!(request.object.metadata.labels.team)'), true);
  assert.deepEqual(search('[request.object.metadata.labels.team, request.object.metadata.name]'), [null, 'web']);
  assert.deepEqual(search('{t: request.object.metadata.labels.team}'), { t: null });
  assert.equal(search('not_null(request.object.metadata.labels.team, `"d"`)'), 'd');
  assert.equal(search('request.object.metadata.labels.team == null'), true);
});

test('&& does not absorb the error of its right side', () => {
  assert.equal(errorOf("request.operation == 'CREATE' && request.object.metadata.labels.team").message, 'Unknown key "team" in path');
  assert.equal(search("request.operation == 'DELETE' && request.object.metadata.labels.team"), false);
});

test('value projections and the images variable', () => {
  const images = { images: { containers: { a: { registry: 'docker.io', name: 'nginx' }, b: { registry: 'ghcr.io', name: 'side' } } } };
  assert.deepEqual(search('images.containers.*.registry', images), ['docker.io', 'ghcr.io']);
  assert.equal(search('images.containers.*.registry | [0]', images), 'docker.io');
  assert.deepEqual(search('images.[containers, initContainers][].*.name[]', { images: { containers: images.images.containers } }), ['nginx', 'side']);
  // A value projection swallows even the error of its left side.
  assert.equal(search('images.containers.*.registry', {}), null);
  assert.equal(errorOf('images.containers.a.registry', {}).message, 'Unknown key "images" in path');
});

test('comparisons: == is deep equality, ordering only for numbers', () => {
  assert.equal(search('`{"a":[1,2]}` == `{"a":[1,2]}`'), true);
  assert.equal(search('`1` < `2`'), true);
  assert.equal(search("'a' < 'b'"), null);
  assert.equal(search("`1` < 'b'"), null);
});

test('slices, indexes, string slices', () => {
  assert.deepEqual(search('[0:2]', [1, 2, 3]), [1, 2]);
  assert.deepEqual(search('[::-1]', [1, 2, 3]), [3, 2, 1]);
  assert.equal(search('[-1]', [1, 2, 3]), 3);
  assert.equal(search('[5]', [1, 2, 3]), null);
  assert.equal(search("'abcdef'[1:3]"), 'bc');
  assert.match(errorOf('[::0]', [1]).message, /step cannot be 0/);
});

test('let bindings, root, arithmetic and the ternary extension', () => {
  assert.equal(search('let $n = request.object.metadata.name in $n'), 'web');
  assert.equal(search('request.object.metadata | $.request.operation'), 'CREATE');
  assert.equal(search('`7` % `4` + `2` * `3` - `10` / `4` // `1`'), 3 + 6 - 2);
  assert.equal(search("`1` + 'a'"), null);
  assert.equal(search('-`3`'), -3);
  assert.match(errorOf('$undefined').message, /variable not defined/);
});

test('syntax errors are reported as such', () => {
  assert.equal(errorOf('a.`1`').kind, 'syntax');
  assert.equal(errorOf('a[').kind, 'syntax');
  assert.equal(errorOf('`foo`').kind, 'syntax'); // legacy raw literals are not JSON
});

test('standard functions', () => {
  assert.equal(search("length('héllo')"), 5);
  assert.equal(search('length(request.object.spec.containers)'), 2);
  assert.equal(search("contains(`[\"a\", \"b\"]`, 'b')"), true);
  assert.equal(search("contains('abc', 'bc')"), true);
  assert.equal(search("join(',', `[\"a\", \"b\"]`)"), 'a,b');
  assert.deepEqual(search('sort(`[3, 1, 2]`)'), [1, 2, 3]);
  assert.deepEqual(search('sort_by(request.object.spec.containers, &name)[*].name'), ['nginx', 'side']);
  assert.equal(search('max_by(request.object.spec.containers, &name).name'), 'side');
  assert.deepEqual(search('map(&name, request.object.spec.containers)'), ['nginx', 'side']);
  assert.equal(search('to_string(`{"b": 1, "a": "<"}`)'), '{"a":"\\u003c","b":1}');
  assert.equal(search("to_number('1.5e1')"), 15);
  assert.equal(search("to_number('x')"), null);
  assert.equal(search("type(`null`)"), 'null');
  assert.deepEqual(search('merge(`{"a":1}`, `{"b":2}`)'), { a: 1, b: 2 });
  assert.equal(search("starts_with('nginx:1', 'nginx')"), true);
  assert.equal(search("ends_with('nginx:1', ':1')"), true);
  assert.deepEqual(search('keys(`{"a":1,"b":2}`)'), ['a', 'b']);
  assert.equal(search('avg(`[]`)'), null);
  assert.equal(search('abs(`-2`)'), 2);
});

test('function argument errors', () => {
  assert.match(errorOf('length(`1`)').message, /^Invalid type for: 1, expected/);
  assert.match(errorOf('length()').message, /arity/);
  assert.equal(errorOf('nope()').message, 'unknown function: nope');
  assert.match(errorOf('sort(`[1, "a"]`)').message, /Invalid type/);
});

test('non-JSON values in the data (undefined) read as null', () => {
  assert.equal(search('a', { a: undefined }), null);
});

test('evaluation is bounded: a huge cross product stops with an error instead of running away', () => {
  const big = { a: Array.from({ length: 2000 }, (_, i) => i) };
  const e = errorOf('a[*].map(&[@, @], $.a)', big);
  assert.match(e.message, /budget/);
});
