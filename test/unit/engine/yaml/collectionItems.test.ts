// The builder gathers the children of open collections on one shared list and gives each collection
// its own exact-size items array when it closes. Checks made while a collection is still open
// (duplicate keys, merge sources that alias an enclosing sequence) must see what was read so far.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseYamlFile, type YNode } from '../../../../server/src/engine/yaml/model';

function parsed(text: string) {
  return parseYamlFile(text).documents[0].parsed;
}

const MERGE_ERROR = 'a merge key (<<) needs a mapping, an alias of one, or a sequence of them';
const CYCLE_ERROR = 'alias *x refers to a node that contains it';

test('a merge key aliasing the sequence it sits in is judged on the items read before it', () => {
  assert.deepEqual(parsed('a: &x [1, {<<: *x}]\n').errors.map((e) => e.message), [MERGE_ERROR, CYCLE_ERROR]);
  assert.deepEqual(parsed('a: &x [{b: 1}, {<<: *x}]\n').errors.map((e) => e.message), [CYCLE_ERROR]);
  assert.deepEqual(parsed('a: &x [{b: 1}, [ {<<: *x} ]]\n').errors.map((e) => e.message), [CYCLE_ERROR]);
  assert.deepEqual(parsed('a: &x [{b: 1}, 2, [ {<<: *x} ]]\n').errors.map((e) => e.message), [MERGE_ERROR, CYCLE_ERROR]);
});

test('duplicate keys are found in small and large mappings, nested or not', () => {
  assert.deepEqual(parsed('k: 1\nk: 2\nl: [a, b]\n').errors.map((e) => e.message), ['duplicate key "k"']);
  const large = `m: {${'abcdefghij'.split('').map((k, i) => `${k}: ${i}`).join(', ')}, a: 10}\n`;
  assert.deepEqual(parsed(large).errors.map((e) => [e.message, large.slice(e.offset, e.offset + e.length)]), [['duplicate key "a"', 'a']]);
  assert.deepEqual(parsed('outer:\n  inner: {x: 1, y: [1, 2, {x: 1, x: 2}]}\n  inner2: 1\n').errors.map((e) => e.message), ['duplicate key "x"']);
  assert.deepEqual(parsed('a: 1\nb: {a: 1}\nc: [{a: 1}, {a: 2}]\n').errors, []);
});

test('every collection gets exactly its own children, in order', () => {
  const text = 'a:\n  - 1\n  - [2, {b: 3, c: [4, 5]}, 6]\n  - {d: {e: 7}}\nf: 8\n';
  const doc = parsed(text);
  assert.deepEqual(doc.toJS(), { a: [1, [2, { b: 3, c: [4, 5] }, 6], { d: { e: 7 } }], f: 8 });
  const shape = (n: YNode | null): unknown => {
    if (n === null) return null;
    if (n.kind === 'scalar') return text.slice(n.start, n.end);
    if (n.kind === 'seq') return n.items.map(shape);
    if (n.kind === 'map') return n.items.map((p) => [shape(p.key), shape(p.value)]);
    return `*${n.name}`;
  };
  assert.deepEqual(shape(doc.contents), [['a', ['1', ['2', [['b', '3'], ['c', ['4', '5']]], '6'], [['d', [['e', '7']]]]]], ['f', '8']]);
});
