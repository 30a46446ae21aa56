// The JSON context root is rebuilt for every query and condition blocks are parsed once per conditions
// object; missing keys raise NotFoundError without a stack trace. None of it may change an answer.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  JmesPathError,
  NotFoundError,
  contextRoot,
  evaluateConditions,
  jmespathSearch,
  queryContext,
  substituteVariables,
  type EvalContext,
} from '../../../../server/src/engine/jmespath';

const request = { object: { metadata: { name: 'web' } }, operation: 'CREATE' };

test('the context root keeps data, drops undefined values and an empty images, and leaves getters lazy', () => {
  let reads = 0;
  const ctx: EvalContext = { request, images: {}, element: undefined, elementIndex: 0 };
  Object.defineProperty(ctx, 'lazy', { enumerable: true, configurable: true, get: () => { reads++; return 'value'; } });
  Object.defineProperty(ctx, 'hidden', { enumerable: false, value: 'no' });
  Object.defineProperty(ctx, '__proto__', { enumerable: true, configurable: true, writable: true, value: { polluted: true } });
  const root = contextRoot(ctx);
  assert.equal(reads, 0, 'building the root does not call getters');
  assert.deepEqual(Object.keys(root), ['request', 'elementIndex', 'lazy', '__proto__']);
  assert.equal(Object.getPrototypeOf(root), Object.prototype, 'a __proto__ key is data, not the prototype');
  assert.deepEqual(Object.getOwnPropertyDescriptor(root, '__proto__')?.value, { polluted: true });
  assert.equal(root.lazy, 'value');
  assert.equal(reads, 1);
  assert.equal(queryContext('lazy', ctx), 'value');
  assert.equal(queryContext('elementIndex', ctx), 0);
  // An empty images and an undefined element are absent keys: Kyverno's "Unknown key" errors.
  assert.throws(() => queryContext('images', ctx), /JMESPath query failed: Unknown key "images" in path/);
  assert.throws(() => queryContext('element', ctx), /JMESPath query failed: Unknown key "element" in path/);
  assert.deepEqual(queryContext('images', { ...ctx, images: { containers: { a: { name: 'a' } } } }), { containers: { a: { name: 'a' } } });
});

test('a failing lazy images getter fails the queries that mention images, and only those', () => {
  const ctx = { request } as EvalContext;
  Object.defineProperty(ctx, 'images', { enumerable: true, configurable: true, get: () => { throw new Error('invalid image'); } });
  assert.throws(() => queryContext('images.containers', ctx), /^Error: invalid image$/);
  assert.equal(queryContext('request.object.metadata.name', ctx), 'web');
  assert.equal(substituteVariables('{{ request.object.metadata.name }}', ctx), 'web');
});

test('NotFoundError is still a JmesPathError with Kyverno\'s text, and absorbed where Kyverno absorbs it', () => {
  let caught: unknown;
  try {
    jmespathSearch('a.b', { a: {} });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof NotFoundError);
  assert.ok(caught instanceof JmesPathError);
  assert.ok(caught instanceof Error);
  assert.equal(caught.message, 'Unknown key "b" in path');
  assert.equal(caught.kind, 'notFound');
  assert.equal(caught.key, 'b');
  assert.equal(caught.name, 'JmesPathError');
  assert.equal(jmespathSearch('a.b || `1`', { a: {} }), 1);
  assert.deepEqual(jmespathSearch('[a.b, a]', { a: {} }), [null, {}]);
  // Other errors keep their stack traces: only the control-flow error drops it.
  const limit = Error.stackTraceLimit;
  assert.ok(limit > 0);
  assert.ok(new Error('x').stack?.includes('\n'));
});

test('one conditions object evaluated in different contexts answers for each context', () => {
  const conditions = { any: [{ key: '{{ request.object.metadata.name }}', operator: 'Equals', value: 'web', message: 'named web' }] };
  const named = (name: string): EvalContext => ({ request: { object: { metadata: { name } }, operation: 'CREATE' }, images: {} });
  const results = ['web', 'api', 'web'].map((name) => evaluateConditions(conditions, named(name)));
  assert.deepEqual(results, [
    { result: true, messages: ['named web'], message: 'named web' },
    { result: false, messages: ['named web'], message: 'named web' },
    { result: true, messages: ['named web'], message: 'named web' },
  ]);
  // A malformed block stays an error however often it is evaluated.
  const bad = { any: [{ key: 1, operator: 'Nope', value: 2 }], extra: true };
  assert.deepEqual(evaluateConditions(bad, named('web')), evaluateConditions(bad, named('api')));
  assert.ok('error' in evaluateConditions(bad, named('web')));
});
