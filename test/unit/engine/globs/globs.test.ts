import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlobs, globProblem, MAX_WILDCARDS_PER_SEGMENT } from '../../../../server/src/engine/globs';

test('ordinary globs are matched as minimatch matches them', () => {
  const set = compileGlobs(['**/node_modules/**', 'build', 'charts/*/templates/*.yaml', '*-test-?.yml']);
  assert.deepEqual(set.refused, []);
  assert.equal(set.matches('a/node_modules/x/p.yaml'), true);
  assert.equal(set.matches('charts/web/templates/pod.yaml'), true);
  assert.equal(set.matches('charts/web/values.yaml'), false);
  assert.equal(set.matches('unit-test-1.yml'), true);
  assert.equal(set.matches('.hidden/node_modules/p.yaml'), true, 'dot files match (dot: true)');
});

test('a segment with more wildcards than can be matched fast is refused, and matches nothing', () => {
  const evil = `**/${'*a'.repeat(12)}*b.yaml`;
  assert.match(globProblem(evil) ?? '', /13 wildcards; at most 3/);
  assert.equal(globProblem(`**/*${'?'.repeat(MAX_WILDCARDS_PER_SEGMENT - 1)}.yaml`), undefined);
  const set = compileGlobs([evil, 'keep/**']);
  assert.deepEqual(set.refused.map((r) => r.pattern), [evil]);
  assert.equal(set.matches(`apps/${'a'.repeat(60)}.yaml`), false);
  assert.equal(set.matches('keep/x.yaml'), true);
  assert.match(globProblem('x'.repeat(600)) ?? '', /longer than 512/);
});
