import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { anchorString, goTrimSpace, parseAnchor } from '../../../../server/src/engine/pattern/anchor';

test('recognises the six anchor forms after trimming', () => {
  assert.deepEqual(parseAnchor('(image)'), { type: 'Condition', key: 'image' });
  assert.deepEqual(parseAnchor('=(initContainers)'), { type: 'Equality', key: 'initContainers' });
  assert.deepEqual(parseAnchor('X(hostPath)'), { type: 'Negation', key: 'hostPath' });
  assert.deepEqual(parseAnchor('^(containers)'), { type: 'Existence', key: 'containers' });
  assert.deepEqual(parseAnchor('<(image)'), { type: 'Global', key: 'image' });
  assert.deepEqual(parseAnchor('+(x)'), { type: 'AddIfNotPresent', key: 'x' });
  assert.deepEqual(parseAnchor('  (image) '), { type: 'Condition', key: 'image' });
  assert.deepEqual(parseAnchor('((a))'), { type: 'Condition', key: '(a)' });
});

test('everything else is a plain key', () => {
  for (const key of ['()', '(abc', '^abc', 'so)m(et(hin)g', '', 'x(a)', '=()', '(a\nb)', 'image']) {
    assert.equal(parseAnchor(key), undefined, JSON.stringify(key));
  }
});

test('anchorString rebuilds a key and goTrimSpace trims Go whitespace', () => {
  assert.equal(anchorString('Equality', 'foo/bar'), '=(foo/bar)');
  assert.equal(anchorString('Condition', 'a'), '(a)');
  assert.equal(goTrimSpace('\u0085 a \u00a0'), 'a');
  assert.equal(goTrimSpace('\ufeffa'), '\ufeffa', 'the BOM is not Go whitespace');
});
