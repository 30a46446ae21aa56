import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { getOperatorFromStringPattern, splitRange } from '../../../../server/src/engine/pattern/operator';

test('prefix operators are checked in the order >=, <=, >, <, !', () => {
  assert.equal(getOperatorFromStringPattern('>=1'), '>=');
  assert.equal(getOperatorFromStringPattern('<=1'), '<=');
  assert.equal(getOperatorFromStringPattern('>1'), '>');
  assert.equal(getOperatorFromStringPattern('<1'), '<');
  assert.equal(getOperatorFromStringPattern('!*:latest'), '!');
  assert.equal(getOperatorFromStringPattern('!-5'), '!', '! wins over a range');
});

test('patterns shorter than two bytes are plain', () => {
  assert.equal(getOperatorFromStringPattern('!'), '');
  assert.equal(getOperatorFromStringPattern('>'), '');
  assert.equal(getOperatorFromStringPattern('*'), '');
  assert.equal(getOperatorFromStringPattern(''), '');
});

test('ranges need numbers with optional unit suffixes on both sides', () => {
  assert.equal(getOperatorFromStringPattern('1-2'), '-');
  assert.equal(getOperatorFromStringPattern('1.5Gi-2Gi'), '-');
  assert.equal(getOperatorFromStringPattern('1!-2'), '!-');
  assert.equal(getOperatorFromStringPattern('|1-2'), '-', "Kyverno's sign class includes |");
  assert.equal(getOperatorFromStringPattern('1.-2'), '');
  assert.equal(getOperatorFromStringPattern('1-2-3'), '');
  assert.equal(getOperatorFromStringPattern('registry.k8s.io/pause-3'), '');
  assert.equal(getOperatorFromStringPattern('v1-2x'), '');
  assert.deepEqual(splitRange('-10Mi--8Mi', '-'), { left: '-10Mi', right: '-8Mi' });
  assert.deepEqual(splitRange('+0!-+1', '!-'), { left: '+0', right: '+1' });
  assert.equal(splitRange('1-', '-'), undefined);
});

test('range detection handles long inputs without trouble', () => {
  assert.equal(getOperatorFromStringPattern(`${'1'.repeat(50_000)}x`), '');
  assert.equal(getOperatorFromStringPattern(`${'1'.repeat(50_000)}-1`), '-');
});
