import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Float64 } from '../../../../server/src/engine/pattern/goValue';
import { buildImagesVariable } from '../../../../server/src/engine/image';
import { evaluateConditions, operatorHandler, type EvalContext } from '../../../../server/src/engine/jmespath';

const F = (v: number): Float64 => new Float64(v);

// Kyverno's TestEvaluate table (pkg/engine/variables/evaluate_test.go). Go `int`/`int64` literals are
// plain numbers here, Go float literals (1.0, 1.5, ...) are Float64.
const TABLE: [unknown, string, unknown, boolean][] = [
  // Equals
  ['string', 'Equals', 'string', true], [1, 'Equals', 1, true], [F(1), 'Equals', F(1), true], [true, 'Equals', true, true], [false, 'Equals', false, true],
  ['1Gi', 'Equals', '1Gi', true], ['1Gi', 'Equals', '1024Mi', true], ['1h', 'Equals', '1h', true], ['1h', 'Equals', '60m', true],
  [{ foo: 'bar' }, 'Equals', { foo: 'bar' }, true], [['foo', 'bar'], 'Equals', ['foo', 'bar'], true], [[{ foo: 'bar' }], 'Equals', [{ foo: 'bar' }], true],
  ['string', 'Equals', 'not string', false], [1, 'Equals', 2, false], [F(1), 'Equals', F(2), false], [true, 'Equals', false, false], [false, 'Equals', true, false],
  ['1Gi', 'Equals', '10Gi', false], ['10Gi', 'Equals', '1024Mi', false], ['1h', 'Equals', '5h', false], ['1h', 'Equals', '30m', false],
  ['string', 'Equals', 1, false], [1, 'Equals', '2', false], [F(1), 'Equals', '2.0', false], [true, 'Equals', 'false', false], [false, 'Equals', 'true', false],
  [{ foo: 'bar' }, 'Equals', { bar: 'foo' }, false], [['foo', 'bar'], 'Equals', ['bar', 'foo'], false], [[{ foo: 'bar' }], 'Equals', [{ bar: 'foo' }], false],
  ['1h', 'Equals', 3600, true], ['2h', 'Equals', 3600, false],
  // NotEquals
  ['string', 'NotEquals', 'string', false], [1, 'NotEquals', 1, false], [F(1), 'NotEquals', F(1), false], [true, 'NotEquals', false, true], [false, 'NotEquals', false, false],
  ['1Gi', 'NotEquals', '1Gi', false], ['10Gi', 'NotEquals', '1024Mi', true], ['1h', 'NotEquals', '1h', false], ['1h', 'NotEquals', '60m', false],
  [{ foo: 'bar' }, 'NotEquals', { foo: 'bar' }, false], [['foo', 'bar'], 'NotEquals', ['foo', 'bar'], false], [[{ foo: 'bar' }], 'NotEquals', [{ foo: 'bar' }], false],
  ['string', 'NotEquals', 'not string', true], [1, 'NotEquals', 2, true], [F(1), 'NotEquals', F(2), true], [true, 'NotEquals', true, false], [false, 'NotEquals', true, true],
  ['1Gi', 'NotEquals', '10Gi', true], ['1Gi', 'NotEquals', '1024Mi', false], ['1h', 'NotEquals', '5h', true], ['1h', 'NotEquals', '30m', true],
  ['string', 'NotEquals', 1, true], [1, 'NotEquals', '2', true], [F(1), 'NotEquals', '2.0', true], [true, 'NotEquals', 'false', true], [false, 'NotEquals', 'true', true],
  [{ foo: 'bar' }, 'NotEquals', { bar: 'foo' }, true], [['foo', 'bar'], 'NotEquals', ['bar', 'foo'], true], [[{ foo: 'bar' }], 'NotEquals', [{ bar: 'foo' }], true],
  ['1h', 'NotEquals', 3600, false], ['2h', 'NotEquals', 3600, true],
  // GreaterThan
  [10, 'GreaterThan', 1, true], [F(1.5), 'GreaterThan', F(1), true], [F(1.5), 'GreaterThan', 1, true], [1, 'GreaterThan', 10, false], [F(1), 'GreaterThan', F(1.5), false],
  [1, 'GreaterThan', F(1.5), false], [1, 'GreaterThan', 1, false], [F(1), 'GreaterThan', F(1), false], ['10Gi', 'GreaterThan', '1Gi', true], ['1Gi', 'GreaterThan', '1Mi', true],
  ['1Gi', 'GreaterThan', '10Gi', false], ['10Mi', 'GreaterThan', '10Mi', false], ['10h', 'GreaterThan', '1h', true], ['1h', 'GreaterThan', '30m', true], ['1h', 'GreaterThan', '1h', false],
  ['1Gi', 'GreaterThan', '1Gi', false], ['10', 'GreaterThan', 1, true], [100, 'GreaterThan', '10', true], ['100', 'GreaterThan', '10', true], ['10', 'GreaterThan', '10', false],
  ['1', 'GreaterThan', '10', false], ['1', 'GreaterThan', 10, false], [1, 'GreaterThan', '10', false], ['1h', 'GreaterThan', 3600, false], ['2h', 'GreaterThan', 3600, true],
  [3600, 'GreaterThan', '1h', false], [3600, 'GreaterThan', '30m', true], [-5, 'GreaterThan', 1, false], [-5, 'GreaterThan', -10, true], [1, 'GreaterThan', -10, true],
  // LessThan
  [10, 'LessThan', 1, false], [F(1.5), 'LessThan', F(1), false], [F(1.5), 'LessThan', 1, false], [1, 'LessThan', 10, true], [F(1), 'LessThan', F(1.5), true], [1, 'LessThan', F(1.5), true],
  [1, 'LessThan', 1, false], [F(1), 'LessThan', F(1), false], ['10Gi', 'LessThan', '1Gi', false], ['1Gi', 'LessThan', '10Gi', true], ['1Gi', 'LessThan', '1Mi', false], ['1Mi', 'LessThan', '1Gi', true],
  ['10h', 'LessThan', '1h', false], ['1h', 'LessThan', '30m', false], ['1h', 'LessThan', '1h', false], ['1Gi', 'LessThan', '1Gi', false], ['10', 'LessThan', 1, false], [100, 'LessThan', '10', false],
  ['100', 'LessThan', '10', false], ['10', 'LessThan', '10', false], ['1', 'LessThan', '10', true], ['1', 'LessThan', 10, true], [1, 'LessThan', '10', true], ['1h', 'LessThan', 3600, false],
  ['30m', 'LessThan', 3600, true], [3600, 'LessThan', '1h', false], [3600, 'LessThan', '30m', false], [-5, 'LessThan', 1, true], [-5, 'LessThan', -10, false], [1, 'LessThan', -10, false],
  // GreaterThanOrEquals
  [10, 'GreaterThanOrEquals', 1, true], [F(1.5), 'GreaterThanOrEquals', F(1), true], [F(1.5), 'GreaterThanOrEquals', 1, true], [1, 'GreaterThanOrEquals', 10, false],
  [F(1), 'GreaterThanOrEquals', F(1.5), false], [1, 'GreaterThanOrEquals', F(1.5), false], [1, 'GreaterThanOrEquals', 1, true], [F(1), 'GreaterThanOrEquals', F(1), true],
  [F(1), 'GreaterThanOrEquals', 1, true], ['10Gi', 'GreaterThanOrEquals', '1Gi', true], ['1Gi', 'GreaterThanOrEquals', '1Mi', true], ['1Gi', 'GreaterThanOrEquals', '10Gi', false],
  ['10h', 'GreaterThanOrEquals', '1h', true], ['1h', 'GreaterThanOrEquals', '30m', true], ['1h', 'GreaterThanOrEquals', '1h', true], ['1Gi', 'GreaterThanOrEquals', '1Gi', true],
  ['10', 'GreaterThanOrEquals', 1, true], [100, 'GreaterThanOrEquals', '10', true], ['100', 'GreaterThanOrEquals', '10', true], ['10', 'GreaterThanOrEquals', '10', true],
  ['1', 'GreaterThanOrEquals', '10', false], ['1', 'GreaterThanOrEquals', 10, false], [1, 'GreaterThanOrEquals', '10', false], ['1h', 'GreaterThanOrEquals', 3600, true],
  ['2h', 'GreaterThanOrEquals', 3600, true],
  // LessThanOrEquals
  [10, 'LessThanOrEquals', 1, false], [F(1.5), 'LessThanOrEquals', F(1), false], [F(1.5), 'LessThanOrEquals', 1, false], [1, 'LessThanOrEquals', 10, true],
  [F(1), 'LessThanOrEquals', F(1.5), true], [1, 'LessThanOrEquals', F(1.5), true], [1, 'LessThanOrEquals', 1, true], [F(1), 'LessThanOrEquals', F(1), true],
  ['10Gi', 'LessThanOrEquals', '1Gi', false], ['1Gi', 'LessThanOrEquals', '10Gi', true], ['1Gi', 'LessThanOrEquals', '1Mi', false], ['1Mi', 'LessThanOrEquals', '1Gi', true],
  ['10h', 'LessThanOrEquals', '1h', false], ['1h', 'LessThanOrEquals', '30m', false], ['1h', 'LessThanOrEquals', '1h', true], ['1Gi', 'LessThanOrEquals', '1Gi', true],
  ['10', 'LessThanOrEquals', 1, false], [100, 'LessThanOrEquals', '10', false], ['100', 'LessThanOrEquals', '10', false], ['10', 'LessThanOrEquals', '10', true],
  ['1', 'LessThanOrEquals', '10', true], ['1', 'LessThanOrEquals', 10, true], [1, 'LessThanOrEquals', '10', true], ['1h', 'LessThanOrEquals', 3600, true], ['2h', 'LessThanOrEquals', 3600, false],
  // In
  [1, 'In', [1, 2, 3], true], [F(1.5), 'In', [1, F(1.5), 2, 3], true], ['1', 'In', ['1', '2', '3'], true], [['1.1.1.1', '2.2.2.2'], 'In', ['1.1.1.1', '2.2.2.2', '3.3.3.3'], true],
  [5, 'In', [1, 2, 3], false], [F(5.5), 'In', [1, F(1.5), 2, 3], false], ['5', 'In', ['1', '2', '3'], false], [['1.1.1.1', '4.4.4.4'], 'In', ['1.1.1.1', '2.2.2.2', '3.3.3.3'], false],
  // NotIn
  [1, 'NotIn', [1, 2, 3], false], [F(1.5), 'NotIn', [1, F(1.5), 2, 3], false], ['1', 'NotIn', ['1', '2', '3'], false], [['1.1.1.1', '2.2.2.2'], 'NotIn', ['1.1.1.1', '2.2.2.2', '3.3.3.3'], false],
  [5, 'NotIn', [1, 2, 3], true], [F(5.5), 'NotIn', [1, F(1.5), 2, 3], true], ['5', 'NotIn', ['1', '2', '3'], true], [['1.1.1.1', '4.4.4.4'], 'NotIn', ['1.1.1.1', '2.2.2.2', '3.3.3.3'], true],
  // AnyIn
  [['1.1.1.1', '5.5.5.5'], 'AnyIn', ['1.1.1.1', '2.2.2.2', '3.3.3.3'], true], [['4.4.4.4', '5.5.5.5'], 'AnyIn', ['1.1.1.1', '2.2.2.2', '3.3.3.3'], false],
  [['1.1.1.1', '5.5.5.5'], 'AnyIn', ['1.1.1.1'], true], [[1, 2], 'AnyIn', [1, 2, 3, 4], true], [[1, 5], 'AnyIn', [1, 2, 3, 4], true], [[5], 'AnyIn', [1, 2, 3, 4], false],
  // AllIn
  [['1.1.1.1', '2.2.2.2'], 'AllIn', ['1.1.1.1', '2.2.2.2', '3.3.3.3'], true], [['1.1.1.1', '5.5.5.5'], 'AllIn', ['1.1.1.1', '2.2.2.2', '3.3.3.3'], false],
  [['4.4.4.4', '5.5.5.5'], 'AllIn', ['1.1.1.1', '2.2.2.2', '3.3.3.3'], false], [['1.1.1.1', '5.5.5.5'], 'AllIn', ['1.1.1.1'], false], [[1, 2], 'AllIn', [1, 2, 3, 4], true],
  [[1, 5], 'AllIn', [1, 2, 3, 4], false], [[5], 'AllIn', [1, 2, 3, 4], false],
  // AllNotIn
  [1, 'AllNotIn', [1, 2, 3], false], [F(1.5), 'AllNotIn', [1, F(1.5), 2, 3], false], ['1', 'AllNotIn', ['1', '2', '3'], false],
  [['1.1.1.1', '2.2.2.2'], 'AllNotIn', ['1.1.1.1', '2.2.2.2', '3.3.3.3'], false], [5, 'AllNotIn', [1, 2, 3], true], [F(5.5), 'AllNotIn', [1, F(1.5), 2, 3], true],
  ['5', 'AllNotIn', ['1', '2', '3'], true], [['1.1.1.1', '4.4.4.4'], 'AllNotIn', ['1.1.1.1', '2.2.2.2', '3.3.3.3'], false], [['5.5.5.5', '4.4.4.4'], 'AllNotIn', ['1.1.1.1', '2.2.2.2', '3.3.3.3'], true],
  // AnyNotIn
  [1, 'AnyNotIn', [1, 2, 3], false], [F(1.5), 'AnyNotIn', [1, F(1.5), 2, 3], false], ['1', 'AnyNotIn', ['1', '2', '3'], false],
  [['1.1.1.1', '2.2.2.2'], 'AnyNotIn', ['1.1.1.1', '2.2.2.2', '3.3.3.3'], false], [5, 'AnyNotIn', [1, 2, 3], true], [F(5.5), 'AnyNotIn', [1, F(1.5), 2, 3], true],
  ['5', 'AnyNotIn', ['1', '2', '3'], true], [['1.1.1.1', '4.4.4.4'], 'AnyNotIn', ['1.1.1.1', '2.2.2.2', '3.3.3.3'], true], [['5.5.5.5', '4.4.4.4'], 'AnyNotIn', ['1.1.1.1', '2.2.2.2', '3.3.3.3'], true],
];

test('Kyverno TestEvaluate: every operator case agrees', () => {
  const failures: string[] = [];
  for (const [key, op, value, expected] of TABLE) {
    const handler = operatorHandler(op);
    assert.ok(handler, op);
    if (handler(key, value) !== expected) failures.push(`${JSON.stringify(key)} ${op} ${JSON.stringify(value)}: want ${expected}`);
  }
  console.log(`operator conformance: ${TABLE.length - failures.length}/${TABLE.length}`);
  assert.deepEqual(failures, []);
});

test('wildcards: Equals uses the value as the pattern; set operators match both ways', () => {
  const eq = operatorHandler('Equals')!;
  assert.equal(eq('k8s.gcr.io/pause:3', 'k8s.gcr.io/*'), true);
  assert.equal(eq('k8s.gcr.io/*', 'k8s.gcr.io/pause:3'), false);
  assert.equal(eq('ghcr.io/app', 'ghcr.io'), false);
  const anyIn = operatorHandler('AnyIn')!;
  assert.equal(anyIn('ghcr.io/app', ['ghcr.io/*']), true);
  assert.equal(anyIn('ghcr.io/*', ['ghcr.io/app']), true);
  assert.equal(anyIn(['docker.io', 'ghcr.io'], ['ghcr.*']), true);
  assert.equal(operatorHandler('AllIn')!(['docker.io', 'ghcr.io'], ['*.io']), true);
  assert.equal(operatorHandler('AnyNotIn')!(['docker.io', 'quay.io'], ['docker.io']), true);
});

test('set operators: string values (JSON lists, plain strings) and ranges', () => {
  const anyIn = operatorHandler('AnyIn')!;
  assert.equal(anyIn('b', '["a", "b"]'), true);
  assert.equal(anyIn('c', 'c'), true);
  assert.equal(anyIn(['a', 'x'], '["x"]'), true);
  assert.equal(anyIn('5', '1-10'), true);
  assert.equal(anyIn('50', '1-10'), false);
  assert.equal(operatorHandler('AnyNotIn')!(['5', '50'], '1-10'), true);
  assert.equal(operatorHandler('AnyIn')!('a', '5'), false); // valid JSON that is not a list of strings
  assert.equal(operatorHandler('AnyIn')!('a', 5), false);
  assert.equal(operatorHandler('AnyIn')!(null, ['a']), false);
  // Numbers compare through fmt.Sprint: a policy float64 of 1e6 prints as 1e+06, an int64 from the resource as 1000000.
  assert.equal(anyIn(1000000, [F(1000000)]), false);
  assert.equal(anyIn(1000000, [1000000]), true);
});

test('operator names are case-insensitive, but the numeric comparison needs the canonical spelling', () => {
  assert.equal(operatorHandler('equals')!('a', 'a'), true);
  assert.equal(operatorHandler('ANYIN')!('a', ['a']), true);
  assert.equal(operatorHandler('greaterthan')!(2, 1), false);
  assert.equal(operatorHandler('GreaterThan')!(2, 1), true);
  assert.equal(operatorHandler('Bogus'), undefined);
});

test('deprecated Duration* operators', () => {
  assert.equal(operatorHandler('DurationGreaterThan')!('2h', '1h'), true);
  assert.equal(operatorHandler('DurationLessThanOrEquals')!(3600, '1h'), true);
  assert.equal(operatorHandler('DurationLessThan')!('x', '1h'), false);
});

// ---- condition blocks with variables --------------------------------------------------------------

const pod = {
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'bar', labels: { app: 'web' } },
  spec: { containers: [{ name: 'nginx', image: 'foo.io/nginx:1.7.9' }] },
};
const ctx: EvalContext = { request: { object: pod, operation: 'CREATE', namespace: 'bar' }, images: buildImagesVariable(pod) };

test('the restrict-something fixture: registries NotIn a list', () => {
  const deny = (allowed: string) => evaluateConditions([{ key: '{{ images.containers.*.registry }}', operator: 'NotIn', value: [allowed] }], ctx);
  assert.deepEqual(deny('foo.io'), { result: false, messages: [], message: '' });
  assert.deepEqual(deny('bar.io'), { result: true, messages: [], message: '' });
});

test('any/all blocks: messages of the deciding conditions', () => {
  const r = evaluateConditions(
    {
      any: [
        { key: '{{ request.object.metadata.labels.app }}', operator: 'Equals', value: 'db', message: 'not db' },
        { key: '{{ request.object.metadata.labels.app }}', operator: 'Equals', value: 'web', message: 'is web' },
        { key: '{{ request.object.metadata.labels.missing }}', operator: 'Equals', value: 'x', message: 'never evaluated' },
      ],
      all: [{ key: '{{ request.operation }}', operator: 'AnyIn', value: ['CREATE', 'UPDATE'], message: 'create' }],
    },
    ctx,
  );
  assert.deepEqual(r, { result: true, messages: ['is web', 'create'], message: 'is web; create' });
  const f = evaluateConditions({ any: [{ key: 'a', operator: 'Equals', value: 'b', message: 'm1' }, { key: 'c', operator: 'Equals', value: 'd', message: 'm2' }] }, ctx);
  assert.deepEqual(f, { result: false, messages: ['m1', 'm2'], message: 'm1; m2' });
  const legacy = evaluateConditions([{ key: 'a', operator: 'Equals', value: 'a', message: 'x' }, { key: 'b', operator: 'Equals', value: 'b', message: 'y' }], ctx);
  assert.deepEqual(legacy, { result: true, messages: ['x', 'y'], message: 'x;y' });
});

test('empty and missing blocks', () => {
  assert.equal((evaluateConditions(null, ctx) as { result: boolean }).result, true);
  assert.equal((evaluateConditions({}, ctx) as { result: boolean }).result, true);
  assert.equal((evaluateConditions({ any: [] }, ctx) as { result: boolean }).result, false);
  assert.equal((evaluateConditions({ all: [] }, ctx) as { result: boolean }).result, true);
  assert.equal((evaluateConditions([], ctx) as { result: boolean }).result, true);
});

test('errors: substitution, unknown operators, malformed blocks', () => {
  assert.deepEqual(evaluateConditions({ all: [{ key: '{{ request.object.metadata.labels.team }}', operator: 'Equals', value: 'x' }] }, ctx), {
    error: 'failed to substitute variables in condition key: failed to resolve request.object.metadata.labels.team at path : JMESPath query failed: Unknown key "team" in path',
  });
  assert.deepEqual(evaluateConditions({ all: [{ key: 'a', operator: 'Equals', value: '{{ nope }}' }] }, ctx), {
    error: 'failed to substitute variables in condition value: failed to resolve nope at path : JMESPath query failed: Unknown key "nope" in path',
  });
  assert.deepEqual(evaluateConditions({ all: [{ key: 'a', operator: 'Matches', value: 'a' }] }, ctx), { error: 'failed to create handler for condition operator: %!w(<nil>)' });
  assert.deepEqual(evaluateConditions([{ key: 'a', operator: 'equals', value: 'a' }], ctx), { error: 'invalid condition operator: equals' });
  assert.match((evaluateConditions({ any: [], none: [] }, ctx) as { error: string }).error, /unknown fields/);
  assert.match((evaluateConditions('x', ctx) as { error: string }).error, /error occurred while parsing/);
  // An `any` block stops at its first true condition: a later error is never reached.
  assert.equal((evaluateConditions({ any: [{ key: 'a', operator: 'Equals', value: 'a' }, { key: '{{ nope }}', operator: 'Equals', value: 'a' }] }, ctx) as { result: boolean }).result, true);
});

test('condition values with variables: lists, numbers from the resource, || defaults', () => {
  const c: EvalContext = { ...ctx, allowed: { data: { registries: '["foo.io", "ghcr.io"]' } } };
  assert.equal((evaluateConditions({ all: [{ key: '{{ images.containers.*.registry }}', operator: 'AllIn', value: '{{ allowed.data.registries }}' }] }, c) as { result: boolean }).result, true);
  const replicas: EvalContext = { request: { object: { spec: { replicas: 3 } }, operation: 'CREATE' }, images: {} };
  assert.equal((evaluateConditions({ all: [{ key: '{{ request.object.spec.replicas }}', operator: 'GreaterThan', value: 2 }] }, replicas) as { result: boolean }).result, true);
  assert.equal((evaluateConditions({ all: [{ key: '{{ request.object.spec.replicas }}', operator: 'Equals', value: 3 }] }, replicas) as { result: boolean }).result, true);
  assert.equal((evaluateConditions({ all: [{ key: "{{ request.object.metadata.annotations.\"x\" || '' }}", operator: 'Equals', value: '' }] }, replicas) as { result: boolean }).result, true);
  assert.equal((evaluateConditions({ any: [{ key: "{{ request.operation || 'BACKGROUND' }}", operator: 'AnyIn', value: ['CREATE'] }] }, replicas) as { result: boolean }).result, true);
});
