import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compileGoRegex, type GoRegex } from '../../../../server/src/engine/jmespath';

function re(pattern: string): GoRegex {
  const compiled = compileGoRegex(pattern);
  if ('error' in compiled) throw new Error(compiled.error);
  return compiled;
}

function errorOf(pattern: string): string {
  const compiled = compileGoRegex(pattern);
  assert.ok('error' in compiled, `expected ${pattern} to be rejected`);
  return compiled.error;
}

test('matching anywhere, anchors, classes, alternation, counted repetition', () => {
  assert.equal(re('nginx').test('docker.io/nginx:1'), true);
  assert.equal(re('^nginx').test('docker.io/nginx'), false);
  assert.equal(re('^[a-z0-9.-]+/[a-z]+$').test('ghcr.io/app'), true);
  assert.equal(re('^(ghcr\\.io|quay\\.io)/').test('quay.io/x'), true);
  assert.equal(re('^a{2,3}$').test('aaa'), true);
  assert.equal(re('^a{2,3}$').test('aaaa'), false);
  assert.equal(re('^a{2}$').test('aa'), true);
  assert.equal(re('^a{2,}$').test('aaaaa'), true);
  assert.equal(re('x{').test('x{'), true); // not a repeat: a literal brace
  assert.equal(re('^\\d+\\.\\d+$').test('1.25'), true);
  assert.equal(re('^\\w+$').test('héllo'), false); // \w is ASCII in Go
  assert.equal(re('^[[:alpha:]]+$').test('abc'), true);
  assert.equal(re('^[^:]+$').test('a:b'), false);
  assert.equal(re('\\bv1\\b').test('image:v1'), true);
  assert.equal(re('\\bv1\\b').test('image:v10'), false);
  assert.equal(re('^.$').test('\n'), false);
  assert.equal(re('(?s)^.$').test('\n'), true);
  assert.equal(re('(?i)^NGINX$').test('nginx'), true);
  assert.equal(re('^(?i:a)b$').test('Ab'), true);
  assert.equal(re('^(?i:a)b$').test('AB'), false);
  assert.equal(re('(?m)^b$').test('a\nb\nc'), true);
  assert.equal(re('^b$').test('a\nb\nc'), false);
  assert.equal(re('^\\p{Greek}+$').test('αβγ'), true);
  assert.equal(re('^\\x{41}\\x42$').test('AB'), true);
  assert.equal(re('^é+$').test('éé'), true);
});

test('leftmost-first submatches and Go replacement rules', () => {
  assert.equal(re('a|ab').replaceAll('ab', 'X', true), 'Xb'); // leftmost-first, not leftmost-longest
  assert.equal(re('(a+?)(a*)').replaceAll('aaa', '[$1|$2]', false), '[a|aa]');
  assert.equal(re('x*').replaceAll('abc', '-', true), '-a-b-c-');
  assert.equal(re('a*').replaceAll('baaac', '-', true), '-b-c-');
  assert.equal(re('(?P<reg>[^/]+)/(.+)').replaceAll('ghcr.io/app', '${2} from $reg', false), 'app from ghcr.io');
  assert.equal(re('(a)').replaceAll('a', '$1x|${1}x|$$|$9|${', false), '|ax|$||${'); // `$1x` names group "1x"; a malformed `${` stays text
});

test('Go rejects what RE2 does not support, with its messages', () => {
  assert.equal(errorOf('(a'), 'error parsing regexp: missing closing ): `(a`');
  assert.equal(errorOf('a)'), 'error parsing regexp: unexpected ): `a)`');
  assert.equal(errorOf('[a'), 'error parsing regexp: missing closing ]: `[a`');
  assert.equal(errorOf('*a'), 'error parsing regexp: missing argument to repetition operator: `*`');
  assert.equal(errorOf('a**'), 'error parsing regexp: invalid nested repetition operator: `**`');
  assert.equal(errorOf('(a)\\1'), 'error parsing regexp: invalid escape sequence: `\\1`');
  assert.equal(errorOf('(?=a)'), 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`');
  assert.equal(errorOf('a{1001}'), 'error parsing regexp: invalid repeat count: `a{1001}`');
  assert.equal(errorOf('[z-a]'), 'error parsing regexp: invalid character class range: `z-a`');
  assert.equal(errorOf('a\\'), 'error parsing regexp: trailing backslash at end of expression: ``');
});

test('catastrophic patterns for backtracking engines run in linear time here', () => {
  const input = `${'a'.repeat(20_000)}!`;
  assert.equal(re('^(a+)+$').test(input), false);
  assert.equal(re('^(a|a)*$').test(input), false);
  assert.equal(re('^(a|aa)*b').test(input), false);
  assert.equal(re('(\\w*)*x').test(input), false);
  assert.equal(re('a*a*a*a*a*a*a*a*b').test(input), false);
  assert.equal(re('(x+x+)+y').test('x'.repeat(5_000)), false);
  assert.equal(re('^(a+)+$').replaceAll(input, '', true), input);
});

test('programs too large to match cheaply are refused', () => {
  assert.equal(errorOf('((((a{100}){100}){100}){100})'), 'error parsing regexp: expression too large');
});
