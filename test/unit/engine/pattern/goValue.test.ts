import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  compareGoStrings,
  Float64,
  formatFloatE,
  formatFloatFixed6,
  formatFloatG,
  formatGoValue,
  goTypeName,
  goTypeOf,
} from '../../../../server/src/engine/pattern/goValue';

test('numbers decode as int64 when integral and in range, float64 otherwise', () => {
  assert.equal(goTypeOf(3), 'int64');
  assert.equal(goTypeOf(-3), 'int64');
  assert.equal(goTypeOf(3.5), 'float64');
  assert.equal(goTypeOf(1e18), 'int64');
  assert.equal(goTypeOf(1e20), 'float64', 'beyond int64, as Go would fail ParseInt');
  assert.equal(goTypeOf(2 ** 63), 'float64');
  assert.equal(goTypeOf(new Float64(3)), 'float64');
  assert.equal(goTypeOf(null), 'nil');
  assert.equal(goTypeOf(undefined), 'unknown');
  assert.equal(goTypeOf({}), 'map');
  assert.equal(goTypeOf([]), 'array');
});

test("strconv 'E' with shortest digits, as compareString prints float64 values", () => {
  assert.equal(formatFloatE(1), '1E+00');
  assert.equal(formatFloatE(3.1), '3.1E+00');
  assert.equal(formatFloatE(-1234.5), '-1.2345E+03');
  assert.equal(formatFloatE(1e-7), '1E-07');
  assert.equal(formatFloatE(1e100), '1E+100');
  assert.equal(formatFloatE(0), '0E+00');
  assert.equal(formatFloatE(-0), '-0E+00');
  assert.equal(formatFloatE(Infinity), '+Inf');
  assert.equal(formatFloatE(NaN), 'NaN');
});

test("%v of float64 switches to exponent form below 1e-4 and from 1e6", () => {
  assert.equal(formatFloatG(1.5), '1.5');
  assert.equal(formatFloatG(100000), '100000');
  assert.equal(formatFloatG(1000000), '1e+06');
  assert.equal(formatFloatG(1234567), '1.234567e+06');
  assert.equal(formatFloatG(0.0001), '0.0001');
  assert.equal(formatFloatG(0.00001), '1e-05');
  assert.equal(formatFloatG(-2.5e-10), '-2.5e-10');
});

test('%f rounds the exact binary value half to even, keeps the sign of zero', () => {
  assert.equal(formatFloatFixed6(3.1), '3.100000');
  assert.equal(formatFloatFixed6(-3.1), '-3.100000');
  assert.equal(formatFloatFixed6(0), '0.000000');
  assert.equal(formatFloatFixed6(-0), '-0.000000');
  assert.equal(formatFloatFixed6(0.0078125), '0.007812', 'an exact tie rounds to even');
  assert.equal(formatFloatFixed6(0.0234375), '0.023438');
  assert.equal(formatFloatFixed6(1e21), '1000000000000000000000.000000');
  assert.equal(formatFloatFixed6(1.0000005), '1.000001', '1.0000005 is slightly above the tie in binary');
});

test('%v of composite values follows Go: sorted map keys, space-separated slices, <nil>', () => {
  assert.equal(formatGoValue(null), '<nil>');
  assert.equal(formatGoValue(['a', 1, true]), '[a 1 true]');
  assert.equal(formatGoValue({ b: 1, a: { c: null } }), 'map[a:map[c:<nil>] b:1]');
  assert.equal(formatGoValue(new Float64(2)), '2');
  assert.equal(goTypeName({}), 'map[string]interface {}');
  assert.equal(goTypeName([]), '[]interface {}');
  assert.equal(goTypeName(null), '<nil>');
  assert.equal(goTypeName(7), 'int64');
});

test('strings sort bytewise like Go, so astral characters come after the rest of the BMP', () => {
  assert.ok(compareGoStrings('(name)', '=(emptyDir)') < 0);
  assert.ok(compareGoStrings('Z', 'a') < 0);
  assert.ok(compareGoStrings('\u{1F600}', '\uFF01') > 0);
  assert.ok(compareGoStrings('ab', 'a') > 0);
  assert.equal(compareGoStrings('x', 'x'), 0);
});
