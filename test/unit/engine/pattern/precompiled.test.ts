// The pattern walker remembers work per pattern object and per pattern string (key plans, compiled
// string patterns) and takes one walk instead of two when collecting from anchor-free patterns. These
// tests check that none of that can change an answer.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluatePattern, validateValue, wildcardMatch } from '../../../../server/src/engine/pattern';
import { wildcardMatcher } from '../../../../server/src/engine/pattern/wildcard';
import { referenceMatch } from './referenceMatch';

const containers = (...images: string[]): Record<string, unknown>[] => images.map((image, i) => ({ name: `c${i}`, image }));

test('one pattern object evaluated against many resources gives what fresh copies give', () => {
  const pattern = {
    metadata: { labels: { 'app.kubernetes.io/*': '?*' } },
    spec: { '=(initContainers)': [{ image: 'registry.k8s.io/* | public.ecr.aws/*' }], containers: [{ image: '!*:latest & *:*', '=(imagePullPolicy)': 'Always' }] },
  };
  const resources = [
    { metadata: { labels: { 'app.kubernetes.io/name': 'x' } }, spec: { containers: containers('nginx:1', 'a:latest') } },
    { metadata: { labels: { other: 'y' } }, spec: { containers: containers('nginx:1') } },
    { metadata: { labels: { 'app.kubernetes.io/part-of': '' } }, spec: { containers: containers('x:1'), initContainers: containers('busybox') } },
    { metadata: {}, spec: { containers: [{ name: 'a', image: 'b:1', imagePullPolicy: 'Never' }] } },
    { spec: { containers: 'not a list' } },
  ];
  for (const resource of resources) {
    for (const collectAll of [false, true]) {
      const shared = evaluatePattern(resource, pattern, { collectAll });
      const fresh = evaluatePattern(resource, structuredClone(pattern), { collectAll });
      assert.deepEqual(shared, fresh);
    }
  }
  // And in the opposite order, so that no cached plan depends on which resource came first.
  const reversed = [...resources].reverse().map((r) => evaluatePattern(r, pattern, { collectAll: true }));
  assert.deepEqual(reversed, [...resources].reverse().map((r) => evaluatePattern(r, structuredClone(pattern), { collectAll: true })));
});

test('a string pattern gives the same answer however often and in whatever order it is used', () => {
  const patterns = ['1-10', '1!-10', '>5 & <8 | 20', 'a* | b* & *z', '!nginx*', '10Mi-1Gi', '1h-2h', '', ' | '];
  const values: unknown[] = [0, 5, 7, 9, 20, '5', 'abz', 'bz', 'b', 'nginx:1', '512Mi', '2Gi', '90m', '3h', '', null, true];
  const first = patterns.map((p) => values.map((v) => validateValue(v, p)));
  const again = [...patterns].reverse().map((p) => values.map((v) => validateValue(v, p))).reverse();
  assert.deepEqual(again, first);
  assert.deepEqual(first[0].slice(0, 4), [false, true, true, true]);
  assert.deepEqual(first[1].slice(0, 4), [true, false, false, false]);
});

// Random anchor-free patterns (equality and global anchors allowed, as they record nothing in the
// AnchorMap) over random resources: the single collecting walk must keep Kyverno's status, path and
// message, list the decisive path first, and list only paths the full collection lists.
const key = fc.constantFrom('a', 'b', 'image', 'name');
const scalarPattern = fc.constantFrom('*', '?*', 'x*', '!x', 'x | y', 1, true, null, '>1');
const scalarValue = fc.constantFrom('x', 'y', 'xy', '', 0, 2, true, null);

const patternArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarPattern, tie('map'), tie('list')),
  map: fc.dictionary(fc.oneof(key, key.map((k) => `=(${k})`), key.map((k) => `<(${k})`)), tie('node'), { minKeys: 1, maxKeys: 3 }),
  list: fc.array(tie('map'), { minLength: 1, maxLength: 2 }),
})).node;

const resourceArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarValue, tie('map'), tie('list')),
  map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  list: fc.array(tie('node'), { maxLength: 3 }),
})).node;

test('collecting from an anchor-free pattern keeps Kyverno\'s verdict', () => {
  fc.assert(
    fc.property(patternArb, resourceArb, (pattern, resource) => {
      const kyverno = evaluatePattern(resource, pattern);
      const all = evaluatePattern(resource, pattern, { collectAll: true });
      assert.deepEqual({ ...all, failures: [] }, { ...kyverno, failures: [] });
      if (all.status === 'fail') {
        assert.equal(all.failures[0], kyverno.path);
        assert.equal(new Set(all.failures).size, all.failures.length);
      } else {
        assert.deepEqual(all.failures, kyverno.failures);
      }
    }),
    { numRuns: 3000, seed: 7 },
  );
});

test('collecting lists every failing image of an anchor-free pattern in document order', () => {
  const pattern = { spec: { containers: [{ image: 'public.ecr.aws/*' }], '=(initContainers)': [{ image: 'public.ecr.aws/*' }] } };
  const resource = { spec: { initContainers: containers('busybox'), containers: containers('public.ecr.aws/a', 'nginx', 'ghcr.io/b') } };
  const all = evaluatePattern(resource, pattern, { collectAll: true });
  assert.equal(all.status, 'fail');
  assert.deepEqual(all.failures, ['/spec/initContainers/0/image/', '/spec/containers/1/image/', '/spec/containers/2/image/']);
  assert.equal(all.message, "resource value 'busybox' does not match 'public.ecr.aws/*' at path /spec/initContainers/0/image/");
});

test('wildcard matching agrees with code-point matching, surrogate pairs and lone surrogates included', () => {
  const chars = ['a', '/', '\u{1F600}', '\uD83D', '\uDE00', '\u{1F601}'];
  const patternChar = fc.constantFrom(...chars, '*', '?');
  const valueChar = fc.constantFrom(...chars);
  fc.assert(
    fc.property(fc.array(patternChar, { maxLength: 7 }), fc.array(valueChar, { maxLength: 8 }), (pc, vc) => {
      const pattern = pc.join('');
      const value = vc.join('');
      assert.equal(wildcardMatch(pattern, value), referenceMatch(pattern, value), `${JSON.stringify(pattern)} vs ${JSON.stringify(value)}`);
    }),
    { numRuns: 5000, seed: 3 },
  );
  // A star must not stop inside a surrogate pair to let a lone low surrogate match.
  assert.equal(wildcardMatch('*\uDE00', '\u{1F600}'), false);
  assert.equal(wildcardMatch('?', '\u{1F600}'), true);
  assert.equal(wildcardMatch('??', '\u{1F600}'), false);
});

test('a compiled wildcard matcher answers as wildcardMatch does', () => {
  const chars = ['a', '/', '\u{1F600}', '\uD83D', '\uDE00'];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...chars, '*', '?'), { maxLength: 7 }), fc.array(fc.array(fc.constantFrom(...chars), { maxLength: 8 }), { maxLength: 4 }), (pc, values) => {
      const pattern = pc.join('');
      const matches = wildcardMatcher(pattern);
      for (const vc of values) {
        const value = vc.join('');
        assert.equal(matches(value), wildcardMatch(pattern, value), `${JSON.stringify(pattern)} vs ${JSON.stringify(value)}`);
      }
    }),
    { numRuns: 3000, seed: 11 },
  );
});
