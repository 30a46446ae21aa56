// Language reasoning over wildcard patterns, checked against Kyverno's matcher itself: `covers` never
// claims an inclusion a string disproves, and `intersects` is exact on every string up to a length bound.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { wildcardMatch } from '../../../../server/src/engine/pattern';
import { covers, intersects, operatorOf, splitAlternatives } from '../../../../server/src/engine/policyLint/wildcardSets';

const ALPHABET = ['a', 'b', '/'];

function allStrings(maxLength: number): string[] {
  const out = [''];
  let frontier = [''];
  for (let n = 1; n <= maxLength; n++) {
    const next: string[] = [];
    for (const s of frontier) for (const c of ALPHABET) next.push(s + c);
    out.push(...next);
    frontier = next;
  }
  return out;
}

const STRINGS = allStrings(6);
const patternArb = fc.array(fc.constantFrom('a', 'b', '/', '*', '?'), { maxLength: 5 }).map((cs) => cs.join(''));

test('covers: examples', () => {
  assert.equal(covers('public.ecr.aws/*', 'public.ecr.aws/nginx/*'), true);
  assert.equal(covers('*', 'anything?*'), true);
  assert.equal(covers('a?c', 'abc'), true);
  assert.equal(covers('a?c', 'a*c'), false);
  assert.equal(covers('public.ecr.aws/nginx/*', 'public.ecr.aws/*'), false);
  assert.equal(covers('ghcr.io/*', 'ghcr.io/acme/app'), true);
});

test('covers is sound: whenever it holds, every string the specific pattern matches, the general one matches', () => {
  fc.assert(fc.property(patternArb, patternArb, (g, s) => {
    if (!covers(g, s)) return true;
    return STRINGS.every((x) => !wildcardMatch(s, x) || wildcardMatch(g, x));
  }), { numRuns: 400 });
});

test('covers is complete for literal-free-of-wildcard specifics: it agrees with matching', () => {
  fc.assert(fc.property(patternArb, fc.constantFrom(...STRINGS), (g, literal) => covers(g, literal) === wildcardMatch(g, literal)), { numRuns: 400 });
});

test('intersects: examples and exactness on short strings', () => {
  assert.equal(intersects(['public.ecr.aws/*', 'ghcr.io/*']), false);
  assert.equal(intersects(['public.ecr.aws/*', '*:1.*']), true);
  assert.equal(intersects(['a?', '?b', '??']), true);
  assert.equal(intersects(['a?', '?b', '???']), false);
  // Whenever some string matches every pattern, intersects says so.
  fc.assert(fc.property(fc.array(patternArb, { minLength: 1, maxLength: 3 }), (ps) => {
    const witness = STRINGS.some((x) => ps.every((p) => wildcardMatch(p, x)));
    return !witness || intersects(ps);
  }), { numRuns: 300 });
  // Without `*` every match is at most 5 characters long, so the exhaustive search decides: both must agree.
  const starFree = fc.array(fc.constantFrom('a', 'b', '/', '?'), { maxLength: 5 }).map((cs) => cs.join(''));
  fc.assert(fc.property(fc.array(starFree, { minLength: 1, maxLength: 3 }), (ps) => {
    const witness = STRINGS.some((x) => ps.every((p) => wildcardMatch(p, x)));
    return intersects(ps) === witness;
  }), { numRuns: 300 });
});

test('splitAlternatives and operatorOf follow Kyverno\'s string pattern parsing', () => {
  const alts = splitAlternatives(' a/* |b & !c|  ');
  assert.deepEqual(alts.map((a) => [a.text, a.start, a.end]), [['a/*', 1, 4], ['b & !c', 6, 12], ['', 15, 15]]);
  assert.deepEqual(alts[1].parts.map((p) => [p.operator, p.operand]), [['Equal', 'b'], ['NotEqual', 'c']]);
  assert.deepEqual(operatorOf('>=1Gi'), { operator: 'MoreEqual', operand: '1Gi' });
  assert.equal(operatorOf('!').operator, 'Equal');
  assert.equal(operatorOf('0Mi-1024Mi').operator, 'InRange');
  assert.equal(operatorOf('+0!-+1').operator, 'NotInRange');
  assert.equal(operatorOf('value-*').operator, 'Equal');
});
