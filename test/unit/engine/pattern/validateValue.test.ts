import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { validateValue } from '../../../../server/src/engine/pattern';
import { Float64 } from '../../../../server/src/engine/pattern/goValue';
import { convertNumberToString } from '../../../../server/src/engine/pattern/validateValue';

test('image patterns apply to the raw manifest string (semantics §1.5)', () => {
  const registries = 'eu.foo.io/* | bar.io/*';
  assert.equal(validateValue('eu.foo.io/nginx', registries), true);
  assert.equal(validateValue('bar.io/busybox:1.28', registries), true);
  for (const image of ['nginx', 'docker.io/nginx', 'registry.k8s.io/nginx:1.7.9']) assert.equal(validateValue(image, registries), false, image);
  assert.equal(validateValue('nginx', '!*:latest'), true);
  assert.equal(validateValue('localhost:5000/app', '!*:latest'), true);
  assert.equal(validateValue('nginx:latest', '!*:latest'), false);
  assert.equal(validateValue('localhost:5000/app', '*:*'), true);
  assert.equal(validateValue('nginx@sha256:0123', '*:*'), true);
  assert.equal(validateValue('nginx', '*@*'), false);
});

test('| is an OR of &-joined ANDs, parts trimmed of spaces, with a literal shortcut', () => {
  assert.equal(validateValue('a|b', 'a|b'), true, 'the whole pattern equals the value');
  assert.equal(validateValue('b', 'a | b'), true);
  assert.equal(validateValue('c', 'a | b'), false);
  assert.equal(validateValue('10', '>1 & <20 | >31 & <33'), true);
  assert.equal(validateValue('21', '>1 & <20 | >31 & <33'), false);
  assert.equal(validateValue(1, ' 1-2 '), true, 'spaces are trimmed before operator detection');
  assert.equal(validateValue(1, '\t1-2'), false, 'a tab is not, so this is no range but the literal text 1-2');
  assert.equal(validateValue('x', '!\tx'), false, 'after the operator all whitespace is trimmed: "!x" rejects x');
});

test('numeric strings compare as quantities, durations first when both parse as durations', () => {
  assert.equal(validateValue('1.250', '1.25'), true);
  assert.equal(validateValue('1Gi', '1024Mi'), true);
  assert.equal(validateValue('90s', '>1m'), true);
  assert.equal(validateValue('30s', '>1m'), false);
  assert.equal(validateValue('2Gi', '1Gi-4Gi'), true);
  assert.equal(validateValue('8Gi', '1Gi!-4Gi'), true);
  assert.equal(validateValue(3, '<5'), true);
  assert.equal(validateValue(3.5, '<5'), true);
  assert.equal(validateValue('abc', '>1'), false, 'ordering operators do not apply to strings');
});

test('a missing field (nil) is 0 for numeric patterns but never matches a wildcard (§1.4)', () => {
  for (const p of ['0', '>=0', '<5', '0s']) assert.equal(validateValue(null, p), true, p);
  for (const p of ['?*', 'x/*', '!*:latest', '*', '']) assert.equal(validateValue(null, p), false, p);
});

test('the empty string pattern matches only the empty string; ?* needs a non-empty value', () => {
  assert.equal(validateValue('', ''), true);
  assert.equal(validateValue('a', ''), false);
  assert.equal(validateValue('', '?*'), false);
  assert.equal(validateValue(7, '?*'), true, 'numbers are stringified first');
  assert.equal(validateValue(true, 'true'), true);
  assert.equal(validateValue(new Float64(1), '1E+*'), true, "float64 is printed with 'E'");
});

test('null pattern accepts nil, "", 0 and false only', () => {
  for (const v of [null, '', 0, new Float64(0), false]) assert.equal(validateValue(v, null), true, String(v));
  for (const v of ['a', 1, true, {}, []]) assert.equal(validateValue(v, null), false, JSON.stringify(v));
});

test('typed scalar patterns: bool, int64, float64', () => {
  assert.equal(validateValue(true, true), true);
  assert.equal(validateValue('true', true), false);
  assert.equal(validateValue(8, 8), true);
  assert.equal(validateValue('8', 8), true);
  assert.equal(validateValue('+8', 8), true);
  assert.equal(validateValue('8.0', 8), false);
  assert.equal(validateValue('9223372036854775808', 8), false, 'out of int64 range');
  assert.equal(validateValue(new Float64(8), 8), true);
  assert.equal(validateValue(new Float64(8.5), 8), false);
  assert.equal(validateValue(8, new Float64(8)), true);
  assert.equal(validateValue(8, 8.5), false);
  assert.equal(validateValue('8.5', 8.5), true);
  assert.equal(validateValue('85e-1', 8.5), true);
  assert.equal(validateValue('0x1.1p3', 8.5), true, 'Go float syntax includes hexadecimal');
  assert.equal(validateValue('8_5e-1', 8.5), true, 'and underscores between digits');
  assert.equal(validateValue('_85e-1', 8.5), false);
  assert.equal(validateValue('abc', 8.5), false);
});

test('map patterns only check the kind, array and odd patterns never match a scalar', () => {
  assert.equal(validateValue({ a: 1 }, { b: 2 }), true);
  assert.equal(validateValue('x', {}), false);
  assert.equal(validateValue(null, []), false);
  assert.equal(validateValue('x', undefined), false);
});

test('convertNumberToString feeds durations and quantities', () => {
  assert.equal(convertNumberToString(null), '0');
  assert.equal(convertNumberToString(new Float64(3.1)), '3.100000');
  assert.equal(convertNumberToString(-3), '-3');
  assert.equal(convertNumberToString('x'), 'x');
  assert.equal(convertNumberToString(true), undefined);
  assert.equal(convertNumberToString({}), undefined);
});

test('a lone SI suffix is the quantity zero, so such strings compare equal (apimachinery quirk)', () => {
  assert.equal(validateValue('n', 'm'), true);
  assert.equal(validateValue('k', '0'), true);
  assert.equal(validateValue('no', 'm'), false);
});
