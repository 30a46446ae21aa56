import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentStore } from '../../../server/src/lsp/documents';
import { PolicySources } from '../../../server/src/lsp/policySources';
import { folderSettings, type FolderSettings } from '../../../server/src/lsp/settings';
import { CLUSTER_POLICY, FakePolicyFiles, MemoryFileSystem, NGINX_POD, RecordingLogger } from './fakes';

function setup(files: Record<string, string>) {
  const fs = new MemoryFileSystem(files);
  const store = new FakePolicyFiles();
  const documents = new DocumentStore();
  const log = new RecordingLogger();
  const changes: boolean[] = [];
  const sources = new PolicySources(store, fs, documents, log, (changed) => changes.push(changed));
  return { fs, store, documents, log, changes, sources };
}

function folder(path: string, settings: FolderSettings = folderSettings(undefined)) {
  return { path, settings };
}

const OTHER_POLICY = CLUSTER_POLICY.replace('restrict-image-registries', 'other');

test('every policy file of every workspace folder is loaded, open or not; manifests and excluded folders are not', async () => {
  const { store, sources, changes } = setup({
    '/a/policies/restrict.yaml': CLUSTER_POLICY,
    '/a/pod.yaml': NGINX_POD,
    '/a/node_modules/pkg/policy.yaml': OTHER_POLICY,
    '/b/deep/nested/other.yml': OTHER_POLICY,
  });
  await sources.configure([folder('/a'), folder('/b')], [], true);
  assert.deepEqual(store.files(), ['/a/policies/restrict.yaml', '/b/deep/nested/other.yml']);
  assert.ok(changes.includes(true), 'the server heard that policies changed');
  assert.equal(sources.scanning, false);
});

test('an unsaved edit to an open policy takes effect at once and wins over the disk until closed', async () => {
  const { store, documents, sources } = setup({ '/a/policy.yaml': CLUSTER_POLICY });
  await sources.configure([folder('/a')], [], true);
  const edited = CLUSTER_POLICY.replace('public.ecr.aws/*', 'docker.io/*');
  const doc = documents.didOpen('file:///a/policy.yaml', 'yaml', 1, CLUSTER_POLICY);
  sources.documentChanged(doc);
  const versionBefore = store.version;
  sources.documentChanged(documents.didChange('file:///a/policy.yaml', 2, [{ text: edited }])!);
  assert.equal(store.texts.get('/a/policy.yaml'), edited);
  assert.ok(store.version > versionBefore);
  // A watcher event for the file while it is open does not replace the buffer.
  await sources.filesChanged([{ key: '/a/policy.yaml', change: 'changed' }]);
  assert.equal(store.texts.get('/a/policy.yaml'), edited);
  // Closing without saving: back to the disk's text.
  const closed = documents.didClose('file:///a/policy.yaml')!;
  await sources.documentClosed(closed);
  assert.equal(store.texts.get('/a/policy.yaml'), CLUSTER_POLICY);
});

test('editing an open file so that it stops being a policy removes its policies', async () => {
  const { store, documents, sources } = setup({});
  await sources.configure([folder('/a')], [], true);
  const doc = documents.didOpen('file:///a/new.yaml', 'yaml', 1, CLUSTER_POLICY);
  sources.documentChanged(doc);
  assert.deepEqual(store.files(), ['/a/new.yaml']);
  sources.documentChanged(documents.didChange('file:///a/new.yaml', 2, [{ text: NGINX_POD }])!);
  assert.deepEqual(store.files(), []);
});

test('watched file events add, change and delete policies; deleting a folder removes what it held', async () => {
  const { fs, store, sources } = setup({ '/a/p1.yaml': CLUSTER_POLICY });
  await sources.configure([folder('/a')], [], true);
  fs.files.set('/a/sub/p2.yaml', OTHER_POLICY);
  await sources.filesChanged([{ key: '/a/sub/p2.yaml', change: 'created' }]);
  assert.deepEqual(store.files(), ['/a/p1.yaml', '/a/sub/p2.yaml']);
  fs.files.set('/a/p1.yaml', NGINX_POD);
  await sources.filesChanged([{ key: '/a/p1.yaml', change: 'changed' }]);
  assert.deepEqual(store.files(), ['/a/sub/p2.yaml']);
  fs.files.delete('/a/sub/p2.yaml');
  await sources.filesChanged([{ key: '/a/sub', change: 'deleted' }]);
  assert.deepEqual(store.files(), []);
});

test('files outside the include globs are ignored by watcher events too', async () => {
  const { fs, store, sources } = setup({});
  await sources.configure([folder('/a')], [], true);
  fs.files.set('/a/node_modules/x/p.yaml', CLUSTER_POLICY);
  await sources.filesChanged([{ key: '/a/node_modules/x/p.yaml', change: 'created' }]);
  assert.deepEqual(store.files(), []);
});

test('removing a workspace folder drops its policies immediately', async () => {
  const { store, sources } = setup({ '/a/p.yaml': CLUSTER_POLICY, '/b/p.yaml': OTHER_POLICY });
  await sources.configure([folder('/a'), folder('/b')], [], true);
  sources.removeFolder('/b');
  assert.deepEqual(store.files(), ['/a/p.yaml'], 'synchronously, before any rescan');
});

test('extraPaths load policy files outside the workspace; relative paths that escape are refused', async () => {
  const { store, sources, log } = setup({
    '/ws/pod.yaml': NGINX_POD,
    '/shared/policies/p.yaml': CLUSTER_POLICY,
    '/ws/../secrets/p.yaml': OTHER_POLICY,
    '/ws/in-repo/extra.yaml': OTHER_POLICY,
  });
  const settings = { ...folderSettings(undefined), exclude: ['**/in-repo/**'], extraPaths: ['/shared/policies', '../secrets', 'in-repo/extra.yaml'] };
  await sources.configure([folder('/ws', settings)], [], true);
  assert.deepEqual(store.files(), ['/shared/policies/p.yaml', '/ws/in-repo/extra.yaml']);
  assert.ok(log.lines.some((l) => l.includes('../secrets') && l.includes('leaves the workspace folder')));
  assert.deepEqual(sources.extraPaths(), ['/shared/policies', '/ws/in-repo/extra.yaml']);
});

test('untrusted workspaces ignore extraPaths and symlinks that lead outside the folder', async () => {
  const { fs, store, sources } = setup({ '/ws/p.yaml': CLUSTER_POLICY, '/shared/p.yaml': OTHER_POLICY, '/outside/q.yaml': OTHER_POLICY });
  fs.symlinks.set('/ws/linked.yaml', '/outside/q.yaml');
  const settings = { ...folderSettings(undefined), extraPaths: ['/shared'] };
  await sources.configure([folder('/ws', settings)], [], false);
  assert.deepEqual(store.files(), ['/ws/p.yaml']);
  assert.deepEqual(sources.extraPaths(), []);
  await sources.filesChanged([{ key: '/ws/linked.yaml', change: 'changed' }]);
  assert.deepEqual(store.files(), ['/ws/p.yaml']);
  // Trusting the workspace brings them in.
  await sources.configure([folder('/ws', settings)], [], true);
  assert.deepEqual(store.files(), ['/shared/p.yaml', '/ws/linked.yaml', '/ws/p.yaml']);
});

test('changing the globs rescans: files no longer selected stop applying', async () => {
  const { store, sources } = setup({ '/ws/policies/p.yaml': CLUSTER_POLICY, '/ws/old/q.yaml': OTHER_POLICY });
  await sources.configure([folder('/ws')], [], true);
  assert.deepEqual(store.files(), ['/ws/old/q.yaml', '/ws/policies/p.yaml']);
  await sources.configure([folder('/ws', { ...folderSettings(undefined), include: ['policies/**/*.yaml'] })], [], true);
  assert.deepEqual(store.files(), ['/ws/policies/p.yaml']);
});

test('without workspace folders, open policy documents apply (single-file mode)', async () => {
  const { store, documents, sources } = setup({});
  await sources.configure([], [], true);
  sources.documentChanged(documents.didOpen('file:///tmp/p.yaml', 'yaml', 1, CLUSTER_POLICY));
  sources.documentChanged(documents.didOpen('untitled:Untitled-1', 'yaml', 1, OTHER_POLICY));
  assert.deepEqual(store.files(), ['/tmp/p.yaml', 'untitled:Untitled-1']);
});

test('locate turns policy offsets into positions of the disk text, or of the open buffer', async () => {
  const { documents, sources } = setup({ '/ws/p.yaml': CLUSTER_POLICY });
  await sources.configure([folder('/ws')], [], true);
  const offset = CLUSTER_POLICY.indexOf('pattern:');
  assert.deepEqual(sources.locate('/ws/p.yaml', offset, offset + 8), {
    uri: 'file:///ws/p.yaml', range: { start: { line: 14, character: 8 }, end: { line: 14, character: 16 } },
  });
  const shifted = '# a comment\n' + CLUSTER_POLICY;
  sources.documentChanged(documents.didOpen('file:///ws/p.yaml', 'yaml', 1, shifted));
  const inBuffer = shifted.indexOf('pattern:');
  assert.equal(sources.locate('/ws/p.yaml', inBuffer, inBuffer + 8)?.range.start.line, 15);
  assert.equal(sources.locate('/ws/unknown.yaml', 0, 1), undefined);
});

test('allowedRegistries reaches the store and counts as a policy change', async () => {
  const { store, sources, changes } = setup({});
  await sources.configure([], [], true);
  const before = changes.filter(Boolean).length;
  sources.setAllowedRegistries(['public.ecr.aws/*']);
  assert.deepEqual(store.allowed, ['public.ecr.aws/*']);
  assert.equal(changes.filter(Boolean).length, before + 1);
  sources.setAllowedRegistries(['public.ecr.aws/*']);
  assert.equal(changes.filter(Boolean).length, before + 1, 'no change, no notification');
});
