import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { containsWildcard, wildcardMatch } from '../../../../server/src/engine/pattern/wildcard';
import { referenceMatch } from './referenceMatch';

test('the match is anchored at both ends', () => {
  assert.equal(wildcardMatch('nginx', 'nginx'), true);
  assert.equal(wildcardMatch('nginx', 'nginx:1.25'), false);
  assert.equal(wildcardMatch('nginx', 'docker.io/nginx'), false);
  assert.equal(wildcardMatch('', ''), true);
  assert.equal(wildcardMatch('', 'a'), false);
});

test('* matches any run of characters, including none and / : @', () => {
  assert.equal(wildcardMatch('*', ''), true);
  assert.equal(wildcardMatch('*:*', 'localhost:5000/app'), true);
  assert.equal(wildcardMatch('*@*', 'nginx@sha256:abc'), true);
  assert.equal(wildcardMatch('eu.foo.io/*', 'eu.foo.io/team/app:1'), true);
  assert.equal(wildcardMatch('eu.foo.io/*', 'docker.io/eu.foo.io/x'), false);
  assert.equal(wildcardMatch('*:latest', 'nginx:latest'), true);
  assert.equal(wildcardMatch('*:latest', 'nginx:latest-alpine'), false);
  assert.equal(wildcardMatch('a*b*c', 'abc'), true);
  assert.equal(wildcardMatch('a*b*c', 'acb'), false);
});

test('? matches exactly one character, counted in code points', () => {
  assert.equal(wildcardMatch('abc?', 'abc'), false);
  assert.equal(wildcardMatch('abc?', 'abcd'), true);
  assert.equal(wildcardMatch('abc?', 'abcde'), false);
  assert.equal(wildcardMatch('?*', ''), false);
  assert.equal(wildcardMatch('?*', 'x'), true);
  assert.equal(wildcardMatch('a?c', 'a/c'), true);
  assert.equal(wildcardMatch('x?y', 'x\u{1F600}y'), true, 'an astral character is one rune');
  assert.equal(wildcardMatch('x??y', 'x\u{1F600}y'), false);
});

test('everything else is literal and case-sensitive; there is no escaping or character class', () => {
  assert.equal(wildcardMatch('Nginx', 'nginx'), false);
  assert.equal(wildcardMatch('[ab]', 'a'), false);
  assert.equal(wildcardMatch('[ab]', '[ab]'), true);
  assert.equal(wildcardMatch('\\*', '\\anything'), true, 'a backslash does not escape the star');
  assert.equal(wildcardMatch('a.c', 'abc'), false, '. is literal');
  assert.equal(wildcardMatch('a+', 'aa'), false);
});

test('a pattern of many stars against a long non-matching value finishes with false', () => {
  const value = 'a'.repeat(10_000);
  assert.equal(wildcardMatch('*a*a*a*a*a*a*a*a*b', value), false);
  assert.equal(wildcardMatch('*a*a*a*a*a*a*a*a*a', value), true);
  assert.equal(wildcardMatch(`${'*a'.repeat(200)}*b`, 'a'.repeat(5_000)), false);
});

test('agrees with a reference glob matcher on random patterns and values', () => {
  const patternChar = fc.constantFrom('a', 'b', '*', '?', '/', '\u{1F600}');
  const valueChar = fc.constantFrom('a', 'b', '/', '\u{1F600}');
  fc.assert(
    fc.property(fc.array(patternChar, { maxLength: 8 }), fc.array(valueChar, { maxLength: 10 }), (pc, vc) => {
      const pattern = pc.join('');
      const value = vc.join('');
      assert.equal(wildcardMatch(pattern, value), referenceMatch(pattern, value), `${pattern} vs ${value}`);
    }),
    { numRuns: 2000, seed: 1 },
  );
});

test('containsWildcard looks for * and ?', () => {
  assert.equal(containsWildcard('app.kubernetes.io/*'), true);
  assert.equal(containsWildcard('a?'), true);
  assert.equal(containsWildcard('app'), false);
});
