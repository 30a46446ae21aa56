import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileFilter, listSelectedFiles } from '../../../server/src/lsp/workspaceFiles';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE } from '../../../server/src/lsp/settings';
import { MemoryFileSystem } from './fakes';

test('the default globs select YAML files, dot folders included, and skip build and dependency folders', () => {
  const filter = new FileFilter('/ws', DEFAULT_INCLUDE, DEFAULT_EXCLUDE);
  assert.equal(filter.selects('/ws/k8s/pod.yaml'), true);
  assert.equal(filter.selects('/ws/.github/workflows/ci.yml'), true);
  assert.equal(filter.selects('/ws/README.md'), false);
  assert.equal(filter.selects('/ws/node_modules/x/pod.yaml'), false);
  assert.equal(filter.selects('/elsewhere/pod.yaml'), false);
  assert.equal(filter.prunes('/ws/node_modules'), true);
  assert.equal(filter.prunes('/ws/a/.terraform'), true);
  assert.equal(filter.prunes('/ws/k8s'), false);
});

test('excluded directories are never read, and files come back sorted', async () => {
  const fs = new MemoryFileSystem({
    '/ws/b.yaml': 'b', '/ws/a.yml': 'a', '/ws/notes.txt': 'x',
    '/ws/deploy/pod.yaml': 'p', '/ws/node_modules/pkg/policy.yaml': 'n', '/ws/vendor/v.yaml': 'v',
  });
  const files = await listSelectedFiles(fs, '/ws', new FileFilter('/ws', DEFAULT_INCLUDE, DEFAULT_EXCLUDE), { trusted: true });
  assert.deepEqual(files, ['/ws/a.yml', '/ws/b.yaml', '/ws/deploy/pod.yaml']);
  assert.ok(!fs.readDirectories.includes('/ws/node_modules'));
  assert.ok(!fs.readDirectories.includes('/ws/vendor'));
});

test('custom include globs narrow the selection', async () => {
  const fs = new MemoryFileSystem({ '/ws/policies/p.yaml': 'p', '/ws/apps/pod.yaml': 'a' });
  const files = await listSelectedFiles(fs, '/ws', new FileFilter('/ws', ['policies/**'], []), { trusted: true });
  assert.deepEqual(files, ['/ws/policies/p.yaml']);
});

test('untrusted workspaces do not follow a symlinked file out of the folder', async () => {
  const fs = new MemoryFileSystem({ '/ws/in.yaml': 'in', '/outside/secret.yaml': 'secret', '/ws/sub/target.yaml': 't' });
  fs.symlinks.set('/ws/escape.yaml', '/outside/secret.yaml');
  fs.symlinks.set('/ws/local.yaml', '/ws/sub/target.yaml');
  const filter = new FileFilter('/ws', DEFAULT_INCLUDE, DEFAULT_EXCLUDE);
  assert.deepEqual(await listSelectedFiles(fs, '/ws', filter, { trusted: false }), ['/ws/in.yaml', '/ws/local.yaml', '/ws/sub/target.yaml']);
  assert.deepEqual(await listSelectedFiles(fs, '/ws', filter, { trusted: true }), ['/ws/escape.yaml', '/ws/in.yaml', '/ws/local.yaml', '/ws/sub/target.yaml']);
});

test('the walk stops at the file limit', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) files[`/ws/f${String(i).padStart(2, '0')}.yaml`] = '';
  const found = await listSelectedFiles(new MemoryFileSystem(files), '/ws', new FileFilter('/ws', DEFAULT_INCLUDE, []), { trusted: true, maxFiles: 10 });
  assert.equal(found.length, 10);
});
