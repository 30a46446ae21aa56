import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentStore } from '../../../server/src/lsp/documents';
import { ValidationHandler, type ValidationSettings } from '../../../server/src/lsp/validation';
import { documentSettings, type DocumentSettings } from '../../../server/src/lsp/settings';
import { FakeEngine, NGINX_POD, RecordingLogger, RecordingSink } from './fakes';

function settings(delay = 0, forDocument?: (uri: string) => Promise<DocumentSettings>): ValidationSettings {
  return { delay: () => delay, forDocument: forDocument ?? (() => Promise.resolve(documentSettings(undefined))) };
}

const noSources = { locate: () => undefined };

function setup(validationSettings = settings()) {
  const documents = new DocumentStore();
  const engine = new FakeEngine();
  const sink = new RecordingSink();
  const log = new RecordingLogger();
  const handler = new ValidationHandler(documents, engine, validationSettings, noSources, sink, log);
  return { documents, engine, sink, log, handler };
}

const POD_URI = 'file:///ws/pod.yaml';

function imageRange(text: string, image: string) {
  const line = text.split('\n').findIndex((l) => l.includes(`image: ${image}`));
  const character = text.split('\n')[line].indexOf(image);
  return { start: { line, character }, end: { line, character: character + image.length } };
}

test('diagnostics are published with the version they were computed for', async () => {
  const { documents, sink, handler } = setup();
  documents.didOpen(POD_URI, 'yaml', 7, NGINX_POD);
  handler.schedule(POD_URI);
  await handler.whenIdle();
  const published = sink.last(POD_URI)!;
  assert.equal(published.version, 7);
  assert.equal(published.diagnostics.length, 1);
  assert.deepEqual(handler.publishedState(POD_URI), { version: 7, diagnostics: 1, kind: 'manifest' });
});

test('a newer version supersedes a pending validation: only the latest is analysed and published', async () => {
  const { documents, engine, sink, handler } = setup(settings(20));
  documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD);
  handler.schedule(POD_URI);
  documents.didChange(POD_URI, 2, [{ range: imageRange(NGINX_POD, 'nginx'), text: 'public.ecr.aws/nginx/nginx' }]);
  handler.schedule(POD_URI);
  await handler.whenIdle();
  assert.deepEqual(sink.for(POD_URI).map((p) => [p.version, p.diagnostics.length]), [[2, 0]]);
  assert.equal(engine.analysed.length, 1);
});

test('a validation already running for an old version does not publish it', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const { documents, sink, handler } = setup(settings(0, async () => {
    await gate;
    return documentSettings(undefined);
  }));
  documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD);
  const first = handler.validate(POD_URI); // waiting for settings
  const text2 = NGINX_POD.replace('image: nginx', 'image: nginx:1.27');
  documents.didChange(POD_URI, 2, [{ text: text2 }]);
  const second = handler.validate(POD_URI);
  release();
  await Promise.all([first, second]);
  assert.deepEqual(sink.for(POD_URI).map((p) => p.version), [2]);
});

test('an exception in one document is logged with context and leaves the others alone', async () => {
  const { documents, engine, sink, log, handler } = setup();
  documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD);
  documents.didOpen('file:///ws/broken.yaml', 'yaml', 4, NGINX_POD);
  handler.scheduleAll();
  await handler.whenIdle();
  assert.equal(sink.for('file:///ws/broken.yaml').length, 1);
  engine.broken.add('/ws/broken.yaml');
  documents.didChange('file:///ws/broken.yaml', 5, [{ text: NGINX_POD + '# edit\n' }]);
  documents.didChange(POD_URI, 2, [{ text: NGINX_POD + '# edit\n' }]);
  handler.scheduleAll();
  await handler.whenIdle();
  assert.equal(sink.last(POD_URI)!.version, 2);
  assert.equal(sink.for('file:///ws/broken.yaml').length, 1, 'the broken document keeps its last diagnostics');
  assert.equal(sink.last('file:///ws/broken.yaml')!.diagnostics.length, 1);
  const error = log.lines.find((l) => l.startsWith('error:'));
  assert.ok(error?.includes('file:///ws/broken.yaml') && error.includes('version 5') && error.includes('engine bug'), error);
});

test('closing a document cancels its pending validation and clears its diagnostics', async () => {
  const { documents, sink, handler } = setup(settings(20));
  documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD);
  handler.schedule(POD_URI);
  documents.didClose(POD_URI);
  handler.closed(POD_URI);
  await handler.whenIdle();
  assert.deepEqual(sink.for(POD_URI).map((p) => [p.version, p.diagnostics.length]), [[undefined, 0]]);
});

test('policy load errors of a file are shown in it', async () => {
  const documents = new DocumentStore();
  const sink = new RecordingSink();
  const handler = new ValidationHandler(documents, new FakeEngine(), settings(), noSources, sink, new RecordingLogger(),
    { errorsFor: (key) => (key === '/ws/policy.yaml' ? [{ offset: 14, message: 'spec.rules is required' }] : []) });
  documents.didOpen('file:///ws/policy.yaml', 'yaml', 1, 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\n');
  handler.schedule('file:///ws/policy.yaml');
  await handler.whenIdle();
  const [d] = sink.last('file:///ws/policy.yaml')!.diagnostics;
  assert.equal(d.message, 'spec.rules is required');
  assert.equal(d.code, 'policy-load-error');
  assert.deepEqual(d.range.start, { line: 0, character: 14 });
});
