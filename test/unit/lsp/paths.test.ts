import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { isInside, keyToUri, resolveExtraPath, uriToKey } from '../../../server/src/lsp/paths';

test('file URIs become paths and back, other schemes keep their URI', () => {
  assert.equal(uriToKey('file:///work/my%20policies/p.yaml'), '/work/my policies/p.yaml');
  assert.equal(keyToUri('/work/my policies/p.yaml'), 'file:///work/my%20policies/p.yaml');
  assert.equal(uriToKey('untitled:Untitled-1'), 'untitled:Untitled-1');
  assert.equal(keyToUri('untitled:Untitled-1'), 'untitled:Untitled-1');
});

test('isInside refuses siblings with a common prefix and .. escapes', () => {
  assert.equal(isInside('/ws', '/ws/a/b.yaml'), true);
  assert.equal(isInside('/ws', '/ws'), true);
  assert.equal(isInside('/ws', '/ws-other/b.yaml'), false);
  assert.equal(isInside('/ws', '/ws/../etc/passwd'), false);
});

test('relative extra paths resolve inside the workspace folder and may not leave it', () => {
  assert.deepEqual(resolveExtraPath('policies', '/ws'), { path: '/ws/policies' });
  assert.deepEqual(resolveExtraPath('./a/../b', '/ws'), { path: '/ws/b' });
  assert.ok('refused' in resolveExtraPath('../shared-policies', '/ws'));
  assert.ok('refused' in resolveExtraPath('a/../../etc', '/ws'));
  assert.ok('refused' in resolveExtraPath('policies', undefined), 'no folder to resolve against');
});

test('absolute and home-relative extra paths are taken as written', () => {
  assert.deepEqual(resolveExtraPath('/srv/policies', '/ws'), { path: '/srv/policies' });
  assert.deepEqual(resolveExtraPath('~/policies', '/ws'), { path: path.join(os.homedir(), 'policies') });
});
