import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeAtPathAsWritten, parseYamlFile } from '../../../../server/src/engine/yaml/model';

const text = [
  'defs:',
  '  img: &img nginx',
  '  list: &list',
  '    - image: busybox',
  'spec:',
  '  direct: *img',
  '  shared: *list',
  '  plain: redis',
  '',
].join('\n');

const root = parseYamlFile(text).documents[0].parsed.contents;

test('a leaf written as an alias is located at the alias, with the anchored value', () => {
  const found = nodeAtPathAsWritten(root, ['spec', 'direct']);
  assert.ok(found?.alias);
  assert.equal(text.slice(found.alias.start, found.alias.end), '*img');
  assert.equal(found.node.kind === 'scalar' ? found.node.value : undefined, 'nginx');
});

test('a path through an aliased collection is located at the first alias it crosses', () => {
  const found = nodeAtPathAsWritten(root, ['spec', 'shared', 0, 'image']);
  assert.ok(found?.alias);
  assert.equal(text.slice(found.alias.start, found.alias.end), '*list');
  assert.equal(found.node.kind === 'scalar' ? found.node.value : undefined, 'busybox');
});

test('a path with no alias has none, and a missing path has no node', () => {
  const found = nodeAtPathAsWritten(root, ['spec', 'plain']);
  assert.equal(found?.alias, undefined);
  assert.equal(found?.node.kind === 'scalar' ? found.node.value : undefined, 'redis');
  assert.equal(nodeAtPathAsWritten(root, ['spec', 'nope']), undefined);
});
