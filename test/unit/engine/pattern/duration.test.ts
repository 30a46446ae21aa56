import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseGoDuration } from '../../../../server/src/engine/pattern/duration';

const S = 1_000_000_000n;

test('parses Go durations to nanoseconds', () => {
  assert.equal(parseGoDuration('12s'), 12n * S);
  assert.equal(parseGoDuration('1h30m'), 5400n * S);
  assert.equal(parseGoDuration('-1.5h'), -5400n * S);
  assert.equal(parseGoDuration('.5s'), S / 2n);
  assert.equal(parseGoDuration('1.s'), S);
  assert.equal(parseGoDuration('300ms'), 300_000_000n);
  assert.equal(parseGoDuration('2\u00b5s'), 2000n);
  assert.equal(parseGoDuration('2\u03bcs'), 2000n);
  assert.equal(parseGoDuration('1ns'), 1n);
  assert.equal(parseGoDuration('0'), 0n);
  assert.equal(parseGoDuration('+0'), 0n);
  assert.equal(parseGoDuration('1.0000000001s'), S);
});

test('rejects what Go rejects', () => {
  for (const text of ['', '7', '1.25', '00', 's', '.s', '-', '1d', '1h 30m', '1S', '3.100000', '9223372036854775808ns']) {
    assert.equal(parseGoDuration(text), undefined, text);
  }
  assert.equal(parseGoDuration('-9223372036854775808ns'), -(1n << 63n));
  assert.equal(parseGoDuration('9223372036854775807ns'), (1n << 63n) - 1n);
});
