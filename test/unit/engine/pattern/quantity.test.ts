import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compareQuantities, parseQuantity, type Quantity } from '../../../../server/src/engine/pattern/quantity';

function q(text: string): Quantity {
  const parsed = parseQuantity(text);
  assert.ok(parsed !== undefined, `${text} should parse`);
  return parsed;
}

function cmp(a: string, b: string): number {
  return compareQuantities(q(a), q(b));
}

test('binary and decimal suffixes, milli and exponents compare by value', () => {
  assert.equal(cmp('1024Mi', '1Gi'), 0);
  assert.equal(cmp('0.2', '200m'), 0);
  assert.equal(cmp('1k', '1e3'), 0);
  assert.equal(cmp('1E3', '1000'), 0);
  assert.equal(cmp('1G', '1Gi'), -1);
  assert.equal(cmp('1Gi', '1000Mi'), 1);
  assert.equal(cmp('1.5Ki', '1536'), 0);
  assert.equal(cmp('500m', '.5'), 0);
  assert.equal(cmp('1.250', '1.25'), 0);
  assert.equal(cmp('-10Mi', '-8Mi'), -1);
  assert.equal(cmp('1u', '1000n'), 0);
  assert.equal(cmp('1E', '1e18'), 0);
  assert.equal(cmp('1e1000000000', '1e999999999'), 1);
  assert.equal(cmp('0', '-0'), 0);
});

test('values finer than a nano round up, away from zero', () => {
  assert.equal(cmp('0.1n', '1n'), 0);
  assert.equal(cmp('1.1n', '2n'), 0);
  assert.equal(cmp('-0.1n', '-1n'), 0);
  assert.equal(cmp('1e-100', '1n'), 0);
});

test('binary-SI amounts are capped at 2^63-1', () => {
  assert.equal(cmp('16Ei', '9223372036854775807'), 0);
  assert.equal(cmp('7Ei', '8070450532247928832'), 0);
});

test('oddities apimachinery accepts: a bare sign, a bare point, a bare suffix are zero', () => {
  assert.equal(cmp('-', '0'), 0);
  assert.equal(cmp('+', '0'), 0);
  assert.equal(cmp('.', '0'), 0);
  assert.equal(cmp('Mi', '0'), 0);
  assert.equal(cmp('m', '0'), 0);
});

test('rejects what apimachinery rejects', () => {
  for (const text of ['', ' 1', '1 ', '1.2.3', '1ki', '1e', '1m5', 'nginx', 'nginx:1.25', '12s', '1Mix', '.e-10', 'e', 'i', '1e99999999999999999999']) {
    assert.equal(parseQuantity(text), undefined, text);
  }
});
