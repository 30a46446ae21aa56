import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Location } from 'vscode-languageserver-protocol';
import { Analyzer, PolicyStore } from '../../../server/src/engine/analysis';
import { DocumentDiagnosticsCache, toDiagnostics, type PolicySourceLocator } from '../../../server/src/lsp/diagnostics';
import { DocumentStore } from '../../../server/src/lsp/documents';
import { documentSettings, type DocumentSettings } from '../../../server/src/lsp/settings';
import { CLUSTER_POLICY } from './fakes';

const POLICY_FILE = '/ws/policies/restrict.yaml';
const AUDIT_POLICY = CLUSTER_POLICY.replace('name: restrict-image-registries', 'name: audit-registries').replace('failureAction: Enforce', 'failureAction: Audit').replace('public.ecr.aws/*', '*.example.com/*');

/** A seeded generator, so a failure names a sequence that can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

const IMAGES = ['nginx', 'public.ecr.aws/nginx/nginx:1.27', 'registry.example.com/app:1', 'busybox:1.36', '"quay.io/x/y"'];

function pod(name: string, images: string[]): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n${images.map((image, i) => `    - name: c${i}\n      image: ${image}\n`).join('')}`;
}

function locatorFor(store: PolicyStore, policyTexts: () => Map<string, string>): PolicySourceLocator {
  return {
    locate(file, start, end): Location | undefined {
      const text = policyTexts().get(file);
      if (text === undefined) return undefined;
      const doc = TextDocument.create(`file://${file}`, 'yaml', 0, text);
      return { uri: doc.uri, range: { start: doc.positionAt(start), end: doc.positionAt(end) } };
    },
    generation: () => String(store.version),
  };
}

test('per-document cached diagnostics equal a fresh conversion over a random edit sequence', () => {
  for (const seed of [1, 7, 42]) {
    const next = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const store = new PolicyStore();
    const policies = new Map([[POLICY_FILE, CLUSTER_POLICY]]);
    store.setFile(POLICY_FILE, CLUSTER_POLICY);
    const analyzer = new Analyzer(store);
    const locator = locatorFor(store, () => policies);
    const cache = new DocumentDiagnosticsCache();
    const documents = new DocumentStore();
    const uri = 'file:///ws/manifests.yaml';
    const initial = Array.from({ length: 8 }, (_, i) => pod(`p${i}`, [pick(IMAGES), pick(IMAGES)])).join('---\n');
    let open = documents.didOpen(uri, 'yaml', 1, initial);
    let settings: DocumentSettings = documentSettings(undefined);
    let reused = 0;

    for (let version = 2; version < 60; version++) {
      const text = open.document.getText();
      const step = next();
      let change: { start: number; end: number; text: string } | undefined;
      if (step < 0.45) {
        // Replace one image.
        const sites = [...text.matchAll(/image: (\S+)/g)];
        const site = pick(sites);
        const start = site.index! + 'image: '.length;
        change = { start, end: start + site[1].length, text: pick(IMAGES) };
      } else if (step < 0.6) {
        // A comment line: every later document moves down one line.
        const lineStarts = [...text.matchAll(/^/gm)].map((m) => m.index!);
        const at = pick(lineStarts);
        change = { start: at, end: at, text: '# moved\n' };
      } else if (step < 0.7) {
        change = { start: text.length, end: text.length, text: `---\n${pod(`n${version}`, [pick(IMAGES)])}` };
      } else if (step < 0.78) {
        // A syntax error (a notice) somewhere, and later its repair by another random edit.
        const at = text.indexOf('spec:', Math.floor(next() * text.length));
        if (at >= 0) change = { start: at, end: at + 5, text: 'spec: [' };
      } else if (step < 0.84) {
        const at = text.indexOf('spec: [');
        if (at >= 0) change = { start: at, end: at + 7, text: 'spec:' };
      } else if (step < 0.9) {
        settings = documentSettings(pick([undefined, { severity: { enforce: 'warning', audit: 'hint' } }, { severity: { enforce: 'error', audit: 'information' } }]));
      } else if (step < 0.95) {
        const audit = policies.has('/ws/policies/audit.yaml');
        if (audit) policies.delete('/ws/policies/audit.yaml');
        else policies.set('/ws/policies/audit.yaml', AUDIT_POLICY);
        if (audit) store.removeFile('/ws/policies/audit.yaml');
        else store.setFile('/ws/policies/audit.yaml', AUDIT_POLICY);
      } else {
        // The policy file gains a leading comment: its rule moves, so relatedInformation ranges change.
        const moved = `# comment\n${policies.get(POLICY_FILE)!}`;
        policies.set(POLICY_FILE, moved);
        store.setFile(POLICY_FILE, moved);
      }
      if (change !== undefined) {
        const range = { start: open.document.positionAt(change.start), end: open.document.positionAt(change.end) };
        open = documents.didChange(uri, version, [{ range, text: change.text }])!;
      }
      const analysis = analyzer.analyze('/ws/manifests.yaml', open.yaml);
      const before = cache.diagnostics(open.document, open.yaml, analysis, settings, locator);
      const cached = cache.diagnostics(open.document, open.yaml, analysis, settings, locator);
      const fresh = toDiagnostics(open.document, analysis, settings, locator);
      assert.equal(JSON.stringify(before), JSON.stringify(fresh), `seed ${seed}, version ${version}`);
      assert.equal(JSON.stringify(cached), JSON.stringify(fresh), `seed ${seed}, version ${version}`);
      reused += cached.filter((d, i) => d === before[i]).length;
    }
    assert.ok(reused > 0, 'unchanged documents reuse their converted diagnostics');
  }
});

test('an edit in one document converts only that document; a document moved down a line is converted again', () => {
  const store = new PolicyStore();
  store.setFile(POLICY_FILE, CLUSTER_POLICY);
  const analyzer = new Analyzer(store);
  const locator = locatorFor(store, () => new Map([[POLICY_FILE, CLUSTER_POLICY]]));
  const cache = new DocumentDiagnosticsCache();
  const documents = new DocumentStore();
  const uri = 'file:///ws/two.yaml';
  let open = documents.didOpen(uri, 'yaml', 1, `${pod('a', ['nginx'])}---\n${pod('b', ['busybox'])}`);
  const settings = documentSettings(undefined);
  const first = cache.diagnostics(open.document, open.yaml, analyzer.analyze('/ws/two.yaml', open.yaml), settings, locator);
  assert.equal(first.length, 2);

  const at = open.document.getText().indexOf('nginx');
  open = documents.didChange(uri, 2, [{ range: { start: open.document.positionAt(at), end: open.document.positionAt(at + 5) }, text: 'alpine' }])!;
  const second = cache.diagnostics(open.document, open.yaml, analyzer.analyze('/ws/two.yaml', open.yaml), settings, locator);
  assert.notEqual(second[0], first[0], 'the edited document is converted again');
  assert.equal(second[1], first[1], 'the other document keeps its diagnostic object');

  open = documents.didChange(uri, 3, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# top\n' }])!;
  const third = cache.diagnostics(open.document, open.yaml, analyzer.analyze('/ws/two.yaml', open.yaml), settings, locator);
  assert.equal(third[1].range.start.line, second[1].range.start.line + 1);
  assert.deepEqual(third, toDiagnostics(open.document, analyzer.analyze('/ws/two.yaml', open.yaml), settings, locator));
});

test('without a locator generation every publish is a fresh conversion', () => {
  const store = new PolicyStore();
  store.setFile(POLICY_FILE, CLUSTER_POLICY);
  const analyzer = new Analyzer(store);
  const { generation: _unused, ...locator } = locatorFor(store, () => new Map([[POLICY_FILE, CLUSTER_POLICY]]));
  void _unused;
  const cache = new DocumentDiagnosticsCache();
  const open = new DocumentStore().didOpen('file:///ws/p.yaml', 'yaml', 1, pod('a', ['nginx']));
  const analysis = analyzer.analyze('/ws/p.yaml', open.yaml);
  const a = cache.diagnostics(open.document, open.yaml, analysis, documentSettings(undefined), locator);
  const b = cache.diagnostics(open.document, open.yaml, analysis, documentSettings(undefined), locator);
  assert.equal(a.length, 1);
  assert.notEqual(a[0], b[0]);
  assert.deepEqual(a, b);
});
