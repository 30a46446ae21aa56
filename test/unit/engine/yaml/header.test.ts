import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseYamlFile } from '../../../../server/src/engine/yaml/model';
import { stringHeader } from '../../../../server/src/engine/yaml/header';

/** What stringHeader must agree with: the string apiVersion and kind of the converted document. */
function fromValue(value: unknown): { apiVersion?: string; kind?: string } {
  const out: { apiVersion?: string; kind?: string } = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
  const { apiVersion, kind } = value as Record<string, unknown>;
  if (typeof apiVersion === 'string') out.apiVersion = apiVersion;
  if (typeof kind === 'string') out.kind = kind;
  return out;
}

const documents = [
  'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n',
  'kind: Service\n',
  'apiVersion: kyverno.io/v1\nkind: "ClusterPolicy"\n',
  "apiVersion: 'apps/v1'\nkind: !!str Deployment\n",
  'apiVersion: 1\nkind: true\n',
  'apiVersion: ~\nkind: [Pod]\n',
  'apiVersion: {a: b}\nkind: |\n  Pod\n',
  'base: &v v1\napiVersion: *v\nkind: &k ConfigMap\nother: *k\n',
  '? [apiVersion]\n: v1\n? {kind: x}\n: y\nkind: Pod\n',
  '"apiVersion": v1\n"kind": Pod\n',
  '1: one\nkind: Job\n',
  'apiVersion: v1\nkind:\n',
  '- apiVersion: v1\n  kind: Pod\n',
  'just text\n',
  '&root {apiVersion: v1, kind: Pod}\n',
];

test('the header read from the tree is the one the converted document has', () => {
  let answered = 0;
  for (const text of documents) {
    const parsed = parseYamlFile(text).documents[0].parsed;
    const header = stringHeader(parsed);
    if (header === undefined) continue;
    answered++;
    assert.deepEqual(header, fromValue(parsed.toJS()), text);
  }
  assert.equal(answered, documents.length - 2, 'all but the sequence and the plain scalar are answered from the tree');
  assert.deepEqual(stringHeader(parseYamlFile(documents[0]).documents[0].parsed), { apiVersion: 'v1', kind: 'Pod' });
  assert.deepEqual(stringHeader(parseYamlFile(documents[7]).documents[0].parsed), { apiVersion: 'v1', kind: 'ConfigMap' });
  assert.deepEqual(stringHeader(parseYamlFile(documents[4]).documents[0].parsed), {});
});

test('no answer where only conversion knows: merge keys, documents with errors, no mapping', () => {
  const merged = 'base: &b {apiVersion: v1, kind: Pod}\n<<: *b\n';
  const parsed = parseYamlFile(merged).documents[0].parsed;
  assert.equal(stringHeader(parsed), undefined);
  assert.deepEqual(fromValue(parsed.toJS()), { apiVersion: 'v1', kind: 'Pod' }, 'the merged keys are why');
  const duplicate = parseYamlFile('kind: Pod\nkind: Service\n').documents[0].parsed;
  assert.ok(duplicate.errors.length > 0);
  assert.equal(stringHeader(duplicate), undefined);
  const bomb = parseYamlFile('a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nkind: Pod\n').documents[0].parsed;
  assert.equal(bomb.toJS(), null, 'an alias bomb converts to null');
  assert.equal(stringHeader(bomb), undefined);
  assert.equal(stringHeader(parseYamlFile('- a\n').documents[0].parsed), undefined);
  assert.equal(stringHeader(parseYamlFile('# only a comment\n').documents[0].parsed), undefined);
});
