import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentStore } from '../../../server/src/lsp/documents';
import { parseYamlFile } from '../../../server/src/engine/yaml/model';

const TWO_PODS = `apiVersion: v1
kind: Pod
metadata:
  name: first
spec:
  containers:
    - image: nginx
      name: a
---
apiVersion: v1
kind: Pod
metadata:
  name: second
spec:
  containers:
    - image: redis
      name: b
`;

function rangeOf(text: string, needle: string) {
  const offset = text.indexOf(needle);
  const before = text.slice(0, offset).split('\n');
  const start = { line: before.length - 1, character: before.at(-1)!.length };
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

test('an incremental change updates the text and the YAML model together', () => {
  const store = new DocumentStore();
  store.didOpen('file:///ws/pods.yaml', 'yaml', 1, TWO_PODS);
  const doc = store.didChange('file:///ws/pods.yaml', 2, [{ range: rangeOf(TWO_PODS, 'redis'), text: 'public.ecr.aws/docker/library/redis' }])!;
  assert.equal(doc.document.version, 2);
  assert.equal(doc.yaml.text, doc.document.getText());
  assert.match(doc.yaml.text, /image: public\.ecr\.aws\/docker\/library\/redis/);
  assert.equal(doc.key, '/ws/pods.yaml');
});

test('an edit in the second YAML document reuses the first ParsedDocument (same object)', () => {
  const store = new DocumentStore();
  const before = store.didOpen('file:///ws/pods.yaml', 'yaml', 1, TWO_PODS);
  const firstParsed = before.yaml.documents[0].parsed;
  const secondParsed = before.yaml.documents[1].parsed;
  const after = store.didChange('file:///ws/pods.yaml', 2, [{ range: rangeOf(TWO_PODS, 'redis'), text: 'redis:7' }])!;
  assert.equal(after.yaml.documents[0].parsed, firstParsed, 'untouched document reused');
  assert.notEqual(after.yaml.documents[1].parsed, secondParsed, 'edited document re-parsed');
});

test('several changes in one notification apply in order, each against the text before it', () => {
  const store = new DocumentStore();
  store.didOpen('untitled:Untitled-1', 'yaml', 1, 'a: 1\nb: 2\n');
  const doc = store.didChange('untitled:Untitled-1', 2, [
    { range: { start: { line: 0, character: 3 }, end: { line: 0, character: 4 } }, text: '10' },
    { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'c: 3\n' },
  ])!;
  assert.equal(doc.document.getText(), 'a: 10\nc: 3\nb: 2\n');
  assert.equal(doc.yaml.text, doc.document.getText());
  assert.deepEqual(doc.yaml.documents[0].parsed.toJS(), { a: 10, c: 3, b: 2 });
  assert.equal(doc.key, 'untitled:Untitled-1');
});

test('a full-text change replaces the model', () => {
  const store = new DocumentStore();
  store.didOpen('file:///ws/a.yaml', 'yaml', 1, 'a: 1\n');
  const doc = store.didChange('file:///ws/a.yaml', 2, [{ text: 'b: 2\n' }])!;
  assert.deepEqual(doc.yaml.documents[0].parsed.toJS(), { b: 2 });
});

test('typing a file character by character keeps the model equal to a fresh parse', () => {
  const store = new DocumentStore();
  store.didOpen('file:///ws/t.yaml', 'yaml', 0, '');
  let version = 0;
  let line = 0;
  let character = 0;
  for (const ch of TWO_PODS) {
    const at = { line, character };
    store.didChange('file:///ws/t.yaml', ++version, [{ range: { start: at, end: at }, text: ch }]);
    if (ch === '\n') {
      line++;
      character = 0;
    } else character++;
  }
  const doc = store.get('file:///ws/t.yaml')!;
  assert.equal(doc.document.getText(), TWO_PODS);
  const fresh = parseYamlFile(TWO_PODS);
  assert.deepEqual(doc.yaml.documents.map((d) => [d.start, d.end, d.parsed.toJS()]), fresh.documents.map((d) => [d.start, d.end, d.parsed.toJS()]));
});

test('changes to a document that is not open are ignored; close forgets it', () => {
  const store = new DocumentStore();
  assert.equal(store.didChange('file:///ws/nope.yaml', 2, [{ text: 'x' }]), undefined);
  store.didOpen('file:///ws/a.yaml', 'yaml', 1, 'a: 1\n');
  assert.ok(store.byKey('/ws/a.yaml'));
  assert.ok(store.didClose('file:///ws/a.yaml'));
  assert.equal(store.get('file:///ws/a.yaml'), undefined);
  assert.equal(store.all().length, 0);
});
