import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentStore } from '../../../server/src/lsp/documents';
import { documentSettings } from '../../../server/src/lsp/settings';
import { WorkspaceCheck, silentProgress, type CheckProgress } from '../../../server/src/lsp/workspaceCheck';
import { FakeEngine, MemoryFileSystem, NGINX_POD, RecordingLogger, RecordingSink } from './fakes';

const CLEAN_POD = NGINX_POD.replace('image: nginx', 'image: public.ecr.aws/nginx/nginx');

function setup(files: Record<string, string>) {
  const fs = new MemoryFileSystem(files);
  const documents = new DocumentStore();
  const engine = new FakeEngine();
  const sink = new RecordingSink();
  const log = new RecordingLogger();
  const lister = { workspaceFiles: async () => [...fs.files.keys()].sort() };
  const settings = { delay: () => 0, forDocument: async () => documentSettings(undefined) };
  const check = new WorkspaceCheck(lister, fs, documents, engine, settings, { locate: () => undefined }, sink, log);
  return { fs, documents, engine, sink, log, check };
}

test('every workspace file that is not open is analysed; problems are published without a version', async () => {
  const { documents, sink, check } = setup({ '/ws/a.yaml': NGINX_POD, '/ws/b.yaml': CLEAN_POD, '/ws/open.yaml': NGINX_POD });
  documents.didOpen('file:///ws/open.yaml', 'yaml', 3, NGINX_POD);
  const result = await check.run(silentProgress);
  assert.deepEqual(result, { filesChecked: 2, filesWithProblems: 1, problems: 1, cancelled: false });
  assert.deepEqual(sink.published.map((p) => [p.uri, p.version, p.diagnostics.length]), [['file:///ws/a.yaml', undefined, 1]]);
  assert.equal(sink.published[0].diagnostics[0].code, 'p/r');
});

test('a second check clears files that were fixed or deleted since', async () => {
  const { fs, sink, check } = setup({ '/ws/a.yaml': NGINX_POD, '/ws/c.yaml': NGINX_POD });
  await check.run(silentProgress);
  fs.files.set('/ws/a.yaml', CLEAN_POD);
  fs.files.delete('/ws/c.yaml');
  sink.published.length = 0;
  await check.run(silentProgress);
  assert.deepEqual(sink.published.map((p) => [p.uri, p.diagnostics.length]).sort(), [['file:///ws/a.yaml', 0], ['file:///ws/c.yaml', 0]]);
});

test('cancelling stops the check between files and says so', async () => {
  const { engine, check } = setup({ '/ws/a.yaml': NGINX_POD, '/ws/b.yaml': NGINX_POD, '/ws/c.yaml': NGINX_POD });
  const reported: string[] = [];
  // The user cancels while the first file is being analysed.
  const progress: CheckProgress = { report: (_done, _total, file) => void reported.push(file), get cancelled() { return engine.analysed.length >= 1; } };
  const result = await check.run(progress);
  assert.equal(result.cancelled, true);
  assert.equal(result.filesChecked, 1);
  assert.deepEqual(engine.analysed, ['/ws/a.yaml']);
  assert.deepEqual(reported, ['/ws/a.yaml']);
});

test('a file the engine chokes on is logged and skipped; the others are still checked', async () => {
  const { engine, log, check } = setup({ '/ws/a.yaml': NGINX_POD, '/ws/b.yaml': NGINX_POD });
  engine.broken.add('/ws/a.yaml');
  const result = await check.run(silentProgress);
  assert.equal(result.filesChecked, 1);
  assert.equal(result.problems, 1);
  assert.ok(log.lines.some((l) => l.startsWith('error:') && l.includes('/ws/a.yaml') && l.includes('engine bug')));
});

test('closing a checked file shows its on-disk diagnostics again', async () => {
  const { documents, sink, check } = setup({ '/ws/a.yaml': NGINX_POD });
  assert.equal(await check.documentClosed('/ws/a.yaml', 'file:///ws/a.yaml'), false, 'no check ran yet');
  await check.run(silentProgress);
  documents.didOpen('file:///ws/a.yaml', 'yaml', 1, CLEAN_POD);
  documents.didClose('file:///ws/a.yaml');
  sink.published.length = 0;
  assert.equal(await check.documentClosed('/ws/a.yaml', 'file:///ws/a.yaml'), true);
  assert.deepEqual(sink.published.map((p) => [p.uri, p.version, p.diagnostics.length]), [['file:///ws/a.yaml', undefined, 1]]);
});
