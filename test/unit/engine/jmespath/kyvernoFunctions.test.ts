import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { jmespathSearch, JmesPathError } from '../../../../server/src/engine/jmespath';

const search = (expression: string, data: unknown = {}): unknown => jmespathSearch(expression, data);

function errorOf(expression: string, data: unknown = {}): string {
  try {
    search(expression, data);
  } catch (error) {
    assert.ok(error instanceof JmesPathError);
    return error.message;
  }
  assert.fail(`expected ${expression} to fail`);
}

test('string functions with Go semantics', () => {
  assert.equal(search("to_upper('nginx')"), 'NGINX');
  assert.equal(search("to_lower('ÉCOLE')"), 'école');
  assert.equal(search("to_upper('straße')"), 'STRAßE'); // Go maps rune by rune: ß has no single-rune upper case
  assert.equal(search("trim('--a-b--', '-')"), 'a-b');
  assert.equal(search("trim_prefix('docker.io/nginx', 'docker.io/')"), 'nginx');
  assert.deepEqual(search("split('a:b:c', ':')"), ['a', 'b', 'c']);
  assert.deepEqual(search("split('ab', '')"), ['a', 'b']);
  assert.equal(search("replace('aaa', 'a', 'b', `2`)"), 'bba');
  assert.equal(search("replace('aaa', 'a', 'b', `-1`)"), 'bbb');
  assert.equal(search("replace('ab', '', '-', `-1`)"), '-a-b-');
  assert.equal(search("replace_all('a.b.c', '.', '/')"), 'a/b/c');
  assert.equal(search("compare('a', 'b')"), -1);
  assert.equal(search("compare('b', 'b')"), 0);
  assert.equal(search("equal_fold('Nginx', 'nGINX')"), true);
  assert.equal(search("truncate('abcdef', `3`)"), 'abc');
  assert.equal(search("truncate('abc', `-1`)"), '');
  assert.equal(search("truncate('ab', `5`)"), 'ab');
  assert.equal(search("path_canonicalize('/a//b/./c/../d/')"), '/a/b/d');
  assert.equal(search("path_canonicalize('')"), '');
  assert.equal(search("path_canonicalize('a/../..')"), '..');
});

test('pattern_match uses Kyverno wildcards; label_match compares string maps', () => {
  assert.equal(search("pattern_match('ghcr.io/*', 'ghcr.io/a/b:1')"), true);
  assert.equal(search("pattern_match('ghcr.io/?', 'ghcr.io/ab')"), false);
  assert.equal(search('label_match(`{"app":"a"}`, `{"app":"a","x":"y"}`)'), true);
  assert.equal(search('label_match(`{"app":"a"}`, `{"app":"b"}`)'), false);
});

test('regex functions', () => {
  assert.equal(search("regex_match('^ghcr\\\\.io/', 'ghcr.io/x')"), true);
  assert.equal(search("regex_match('^[0-9]+$', `123`)"), true);
  assert.equal(search("regex_replace_all('^([^/]+)/(.*)$', 'docker.io/nginx', '$2@${1}')"), 'nginx@docker.io');
  assert.equal(search("regex_replace_all_literal('a', 'banana', '$1')"), 'b$1n$1n$1');
  assert.equal(errorOf("regex_match('(', 'x')"), 'error parsing regexp: missing closing ): `(`');
  assert.equal(errorOf("regex_replace_all('(', 'x', 'y')"), "JMESPath function 'regex_replace_all': error parsing regexp: missing closing ): `(`");
  assert.equal(errorOf("regex_match('a', `{}`)"), 'Invalid type for: map[], expected: []jpType{"string", "number"}');
});

test('numbers passed where strings are expected are formatted as Go float32 %f with shortest digits', () => {
  assert.equal(search("regex_match('^0\\\\.1$', `0.1`)"), true);
  assert.equal(search("regex_match('^16777216$', `16777217`)"), true);
  assert.equal(search("regex_match('^1000000$', `1e6`)"), true);
  assert.deepEqual(search('object_from_lists(`[1, "b"]`, `[true]`)'), { '1': true, b: null });
});

test('arithmetic over numbers and durations', () => {
  assert.equal(search('add(`1`, `2.5`)'), 3.5);
  assert.equal(search("add('1h', '90s')"), '1h1m30s');
  assert.equal(search("subtract('1h', '1h')"), '0s');
  assert.equal(search("multiply('1s', `1.5`)"), '1.5s');
  assert.equal(search("divide('1h', '30s')"), 120);
  assert.equal(search('divide(`1`, `4`)'), 0.25);
  assert.equal(search('modulo(`7`, `3`)'), 1);
  assert.equal(search("modulo('70s', '60s')"), '10s');
  // "1m" is a quantity (one milli) before it could be a minute.
  assert.equal(errorOf("modulo('70s', '1m')"), "JMESPath function 'modulo': types mismatch");
  assert.equal(search("divide('1Gi', '1Mi')"), 1024);
  assert.equal(search('sum(`[1, 2, 3]`)'), 6);
  assert.equal(search("sum(['1h', '2h'])"), '3h0m0s');
  assert.equal(errorOf('divide(`1`, `0`)'), "JMESPath function 'divide': Zero divisor passed");
  assert.equal(errorOf('modulo(`1.5`, `1`)'), "JMESPath function 'modulo': Non-integer argument(s) passed for modulo");
  assert.equal(errorOf("add('1h', `1`)"), "JMESPath function 'add': types mismatch");
  // "30m" is 30 milli as a quantity before it could be 30 minutes as a duration.
  assert.equal(errorOf("add('1h', '30m')"), "JMESPath function 'add': types mismatch");
  assert.equal(errorOf("add('x', `1`)"), "JMESPath function 'add': invalid operands");
  assert.equal(errorOf('sum(`[]`)'), "JMESPath function 'sum': at least one element in the array is required");
  assert.equal(search('round(`2.5`, `0`)'), 3);
  assert.equal(search('round(`-2.5`, `0`)'), -3);
  assert.equal(search('round(`3.14159`, `2`)'), 3.14);
});

test('encoding and parsing', () => {
  assert.equal(search("base64_decode('aGVsbG8=')"), 'hello');
  assert.equal(search('base64_decode(s)', { s: 'aGVs\nbG8=' }), 'hello');
  assert.equal(search("base64_encode('hello')"), 'aGVsbG8=');
  assert.match(errorOf("base64_decode('aGVsbG8')"), /illegal base64 data at input byte/);
  assert.match(errorOf("base64_decode('a$==')"), /illegal base64 data at input byte 1/);
  assert.deepEqual(search("parse_json('{\"a\": [1, 2]}')"), { a: [1, 2] });
  assert.deepEqual(search("parse_yaml('a: [1, 2]')"), { a: [1, 2] });
  assert.equal(search('to_boolean(\'TrUe\')'), true);
  assert.match(errorOf("to_boolean('yes')"), /must be 'true' or 'false'/);
});

test('lookup, items, object_from_lists', () => {
  assert.equal(search("lookup(`{\"a\": 1}`, 'a')"), 1);
  assert.equal(search("lookup(`{\"a\": 1}`, 'b')"), null);
  assert.equal(search('lookup(`[1, 2]`, `1`)'), 2);
  assert.equal(search('lookup(`[1, 2]`, `5`)'), null);
  assert.deepEqual(search("items(`{\"b\": 1, \"a\": 2}`, 'key', 'value')"), [{ key: 'a', value: 2 }, { key: 'b', value: 1 }]);
  assert.deepEqual(search("items(`[\"x\"]`, 'i', 'v')"), [{ i: 0, v: 'x' }]);
  assert.deepEqual(search("object_from_lists(`[\"a\", \"b\"]`, `[1]`)"), { a: 1, b: null });
});

test('image_normalize uses GetImageInfo', () => {
  assert.equal(search("image_normalize('nginx')"), 'docker.io/nginx:latest');
  assert.equal(search("image_normalize('ghcr.io/a/b:1')"), 'ghcr.io/a/b:1');
  assert.equal(errorOf("image_normalize('Bad')"), "JMESPath function 'image_normalize': bad image: docker.io/Bad, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: repository name must be lowercase");
  assert.equal(jmespathSearch("image_normalize('nginx')", {}, { imageConfig: { defaultRegistry: 'gcr.io', enableDefaultRegistryMutation: true } }), 'gcr.io/nginx:latest');
});

test('semver_compare', () => {
  assert.equal(search("semver_compare('1.2.3', '>=1.0.0 <2.0.0')"), true);
  assert.equal(search("semver_compare('2.0.0', '>=1.0.0 <2.0.0')"), false);
  assert.equal(search("semver_compare('1.0.0-rc.1', '<1.0.0')"), true);
  assert.equal(search("semver_compare('3.0.0', '<1.0.0 || >=3.0.0')"), true);
  assert.equal(search("semver_compare('1.4.2', '1.x')"), true);
  assert.equal(search("semver_compare('not-a-version', '<0.0.1')"), true); // Kyverno ignores the parse error: 0.0.0
  assert.match(errorOf("semver_compare('1.0.0', 'nope')"), /Could not parse Range/);
});

test('time functions on RFC 3339 timestamps', () => {
  assert.equal(search("time_diff('2023-01-01T00:00:00Z', '2023-01-01T01:30:00.5Z')"), '1h30m0.5s');
  assert.equal(search("time_add('2023-01-01T00:00:00+02:00', '90m')"), '2023-01-01T01:30:00+02:00');
  assert.equal(search("time_utc('2023-01-01T00:00:00+02:00')"), '2022-12-31T22:00:00Z');
  assert.equal(search("time_before('2023-01-01T00:00:00Z', '2023-01-02T00:00:00Z')"), true);
  assert.equal(search("time_after('2023-01-01T00:00:00Z', '2023-01-02T00:00:00Z')"), false);
  assert.equal(search("time_between('2023-01-01T12:00:00Z', '2023-01-01T00:00:00Z', '2023-01-02T00:00:00Z')"), true);
  assert.equal(search("time_truncate('2023-01-01T12:34:56Z', '1h')"), '2023-01-01T12:00:00Z');
  assert.equal(search("time_to_cron('2023-01-02T03:04:05Z')"), '4 3 2 1 1');
  assert.equal(search("time_since('', '2023-01-01T00:00:00Z', '2023-01-01T00:00:01Z')"), '1s');
  assert.match(errorOf("time_since('2006', '2023', '')"), /not supported/);
  assert.match(errorOf("time_diff('yesterday', '2023-01-01T00:00:00Z')"), /cannot parse/);
});
