// CodeActionHandler with the real engine and document store, no connection: titles, preference, versions,
// lazy resolution, fix-all, allow-registry and lint fixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionKind, LSPErrorCodes, ResponseError, type CodeAction, type TextDocumentEdit, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analyzer, PolicyStore } from '../../../server/src/engine/analysis';
import { allowListPolicyText } from '../../../server/src/engine/analysis/allowList';
import type { CatalogOptions } from '../../../server/src/engine/catalog';
import { parseYamlFile } from '../../../server/src/engine/yaml/model';
import { CodeActionHandler, FIX_ALL_KIND, type CodeActionClientSupport } from '../../../server/src/lsp/codeActions';
import { DocumentStore } from '../../../server/src/lsp/documents';
import { keyToUri } from '../../../server/src/lsp/paths';
import { PolicyAuthoring } from '../../../server/src/lsp/policyAuthoring';
import { Commands } from '../../../server/src/lsp/protocol';
import { CLUSTER_POLICY, NGINX_POD } from './fakes';

const POLICY_FILE = '/ws/policies/restrict.yaml';
const POD_URI = 'file:///ws/apps/pod.yaml';

interface Options {
  policy?: string;
  client?: Partial<CodeActionClientSupport>;
  catalog?: CatalogOptions;
  allowedRegistries?: string[];
}

function harness(options: Options = {}) {
  const store = new PolicyStore();
  const policyText = options.policy ?? CLUSTER_POLICY;
  if (options.policy !== '') store.setFile(POLICY_FILE, policyText);
  if (options.allowedRegistries !== undefined) store.setAllowedRegistries(options.allowedRegistries);
  const analyzer = new Analyzer(store);
  const documents = new DocumentStore();
  const authoring = new PolicyAuthoring({ kinds: () => new Set(['Pod']), images: () => [] });
  const client: CodeActionClientSupport = { resolveEdit: false, documentChanges: true, disabled: false, commands: new Set(), ...options.client };
  const handler = new CodeActionHandler({
    documents,
    analyzer,
    policyText: (file) => {
      if (!store.hasPolicyFile(file)) return undefined;
      const open = documents.byKey(file);
      if (open !== undefined) return { uri: open.uri, yaml: open.yaml, version: open.document.version };
      return { uri: keyToUri(file), yaml: parseYamlFile(policyText), version: null };
    },
    allowListText: () => {
      const text = allowListPolicyText(options.allowedRegistries ?? []);
      return text === undefined ? undefined : parseYamlFile(text);
    },
    catalog: () => options.catalog,
    generation: () => `${store.version}|${JSON.stringify(options.catalog ?? {})}`,
    lintProblems: (doc) => authoring.problems(doc),
  }, () => client);
  return { store, analyzer, documents, handler, client };
}

function actionsAt(h: ReturnType<typeof harness>, uri: string, needle: string, only?: string[]): CodeAction[] {
  const doc = h.documents.get(uri)!;
  const offset = doc.document.getText().indexOf(needle);
  assert.ok(offset >= 0, needle);
  const range = { start: doc.document.positionAt(offset), end: doc.document.positionAt(offset + needle.length) };
  return h.handler.provide({ textDocument: { uri }, range, context: { diagnostics: [], ...(only ? { only } : {}) } });
}

function editOf(action: CodeAction): TextDocumentEdit[] {
  assert.ok(action.edit?.documentChanges, `${action.title} has documentChanges`);
  return action.edit.documentChanges as TextDocumentEdit[];
}

/** Applies a versioned edit to a text the way a client must: refused when the version differs. */
function apply(text: string, version: number, edit: WorkspaceEdit, uri: string): string {
  const change = (edit.documentChanges as TextDocumentEdit[]).find((c) => c.textDocument.uri === uri);
  assert.ok(change, `an edit for ${uri}`);
  if (change.textDocument.version !== null && change.textDocument.version !== version) throw new Error('version mismatch');
  return TextDocument.applyEdits(TextDocument.create(uri, 'yaml', version, text), change.edits as TextEdit[]);
}

test('the seed Pod: stable titles, the mirror preferred, every edit versioned; applying it clears the finding', () => {
  const h = harness();
  h.documents.didOpen(POD_URI, 'yaml', 7, NGINX_POD);
  const actions = actionsAt(h, POD_URI, 'image: nginx');
  assert.deepEqual(actions.map((a) => [a.title, a.kind, a.isPreferred ?? false]), [
    ['Rewrite to public.ecr.aws/docker/library/nginx (Docker Official Image mirror on Amazon ECR Public)', CodeActionKind.QuickFix, true],
    ['Rewrite to public.ecr.aws/nginx/nginx (NGINX\'s own nginx repository on Amazon ECR Public)', CodeActionKind.QuickFix, false],
    ['Allow nginx in restrict-image-registries', CodeActionKind.QuickFix, false],
  ]);
  for (const a of actions) assert.deepEqual(a.diagnostics?.map((d) => d.code), ['restrict-image-registries/validate-registries']);
  const [own] = editOf(actions[0]);
  assert.deepEqual(own.textDocument, { uri: POD_URI, version: 7 });
  const fixed = apply(NGINX_POD, 7, actions[0].edit!, POD_URI);
  assert.equal(fixed, NGINX_POD.replace('image: nginx', 'image: public.ecr.aws/docker/library/nginx'));
  assert.deepEqual(h.analyzer.analyze('/ws/apps/pod.yaml', parseYamlFile(fixed)).findings, []);
  const [policyEdit] = editOf(actions[2]);
  assert.deepEqual(policyEdit.textDocument, { uri: keyToUri(POLICY_FILE), version: null }, 'the policy file is not open: no version to check');
});

test('actions offered for version N are refused once the document moved on (client-side version check)', () => {
  const h = harness();
  h.documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD);
  const [preferred] = actionsAt(h, POD_URI, 'image: nginx');
  h.documents.didChange(POD_URI, 2, [{ text: NGINX_POD.replace('name: nginx', 'name: web') }]);
  assert.throws(() => apply(NGINX_POD.replace('name: nginx', 'name: web'), 2, preferred.edit!, POD_URI), /version mismatch/);
});

test('lazy clients: actions carry data instead of edits; resolve computes the edit for that version or refuses with ContentModified', async () => {
  const h = harness({ client: { resolveEdit: true } });
  h.documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD);
  const actions = actionsAt(h, POD_URI, 'image: nginx');
  assert.ok(actions.every((a) => a.edit === undefined && a.data !== undefined));
  const resolved = await h.handler.resolve(structuredClone(actions[0]));
  assert.deepEqual(editOf(resolved)[0].textDocument, { uri: POD_URI, version: 1 });
  assert.equal((editOf(resolved)[0].edits[0] as TextEdit).newText, 'public.ecr.aws/docker/library/nginx');

  h.documents.didChange(POD_URI, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }]);
  for (const action of actions) {
    await assert.rejects(h.handler.resolve(structuredClone(action)), (error: unknown) => error instanceof ResponseError && error.code === LSPErrorCodes.ContentModified, action.title);
  }
  // Asked again for version 2, the same fix resolves (at the moved position).
  const again = actionsAt(h, POD_URI, 'image: nginx');
  const edit = editOf(await h.handler.resolve(again[0]))[0];
  assert.equal(edit.textDocument.version, 2);
  assert.equal(edit.edits[0].range.start.line, 7);
});

test('a target that would still fail is not offered; with a single survivor it is preferred', () => {
  const h = harness({ policy: CLUSTER_POLICY.replace('"public.ecr.aws/*"', '"public.ecr.aws/nginx/*"') });
  h.documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD);
  const rewrites = actionsAt(h, POD_URI, 'image: nginx').filter((a) => a.title.startsWith('Rewrite'));
  assert.deepEqual(rewrites.map((a) => [a.title, a.isPreferred]), [['Rewrite to public.ecr.aws/nginx/nginx (NGINX\'s own nginx repository on Amazon ECR Public)', true]]);
});

test('client commands: a mapping action when the client has addMapping; the inline allow-list is widened through a command', () => {
  const h = harness({ policy: '', allowedRegistries: ['public.ecr.aws/*'], client: { commands: new Set([Commands.addMapping, Commands.addAllowedRegistry]) } });
  h.documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD.replace('image: nginx', 'image: ghcr.io/example/app:2'));
  const actions = actionsAt(h, POD_URI, 'ghcr.io');
  assert.deepEqual(actions.map((a) => [a.title, a.command?.command, a.command?.arguments]), [
    ['Allow ghcr.io/* in setting registryGuard.allowedRegistries', Commands.addAllowedRegistry, ['ghcr.io/*']],
    ['Add a rewrite mapping for ghcr.io/example/app…', Commands.addMapping, [{ from: 'ghcr.io/example/app', image: 'ghcr.io/example/app:2' }]],
  ]);
  const plain = harness({ policy: '', allowedRegistries: ['public.ecr.aws/*'] });
  plain.documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD.replace('image: nginx', 'image: ghcr.io/example/app:2'));
  assert.deepEqual(actionsAt(plain, POD_URI, 'ghcr.io'), [], 'editors without the commands get no command actions');
});

test('a refused catalog target becomes a disabled action that says why, for clients that show them', () => {
  const digest = `sha256:${'e'.repeat(64)}`;
  const text = NGINX_POD.replace('image: nginx', `image: nginx@${digest}`);
  const h = harness({ client: { disabled: true } });
  h.documents.didOpen(POD_URI, 'yaml', 1, text);
  const disabled = actionsAt(h, POD_URI, 'nginx@').filter((a) => a.disabled !== undefined);
  assert.deepEqual(disabled.map((a) => a.title), ['Rewrite to public.ecr.aws/nginx/nginx']);
  assert.match(disabled[0].disabled!.reason, /digest does not carry over/);
  const other = harness();
  other.documents.didOpen(POD_URI, 'yaml', 1, text);
  assert.ok(actionsAt(other, POD_URI, 'nginx@').every((a) => a.disabled === undefined));
});

test('a rewrite that drops the digest says so in its title', () => {
  const text = NGINX_POD.replace('image: nginx', `image: nginx:1.27@sha256:${'f'.repeat(64)}`);
  const h = harness();
  h.documents.didOpen(POD_URI, 'yaml', 1, text);
  const titles = actionsAt(h, POD_URI, 'nginx:1.27').map((a) => a.title);
  assert.ok(titles.includes(`Rewrite to public.ecr.aws/docker/library/nginx:1.27@sha256:${'f'.repeat(64)} (Docker Official Image mirror on Amazon ECR Public)`), titles.join('\n'));
  assert.ok(titles.includes('Rewrite to public.ecr.aws/nginx/nginx:1.27 (NGINX\'s own nginx repository on Amazon ECR Public) — drops the digest: a separate build'), titles.join('\n'));
});

const TWO_IMAGES = `apiVersion: v1\r
kind: Pod\r
metadata: {name: two}\r
spec:\r
  containers: [{name: a, image: "nginx:1.27"}, {name: b, image: 'redis:7'}]  # flow\r
`;

test('fix all: a quickfix once two images have a preferred fix, and source.fixAll.registryGuard only when asked for', () => {
  const h = harness();
  const uri = 'file:///ws/apps/two.yaml';
  h.documents.didOpen(uri, 'yaml', 3, TWO_IMAGES);
  const quick = actionsAt(h, uri, 'nginx:1.27');
  const fixAll = quick.find((a) => a.title === 'Fix all in file: apply 2 preferred fixes');
  assert.ok(fixAll, quick.map((a) => a.title).join('\n'));
  assert.equal(fixAll.kind, CodeActionKind.QuickFix);
  assert.ok(quick.every((a) => a.kind === CodeActionKind.QuickFix), 'no source action without `only`');

  const source = actionsAt(h, uri, 'apiVersion', [CodeActionKind.SourceFixAll]);
  assert.deepEqual(source.map((a) => [a.title, a.kind]), [['Registry Guard: fix all in file (2 fixes)', FIX_ALL_KIND]]);
  const [change] = editOf(source[0]);
  assert.equal(change.textDocument.version, 3);
  const ranges = change.edits.map((e) => e.range);
  for (let i = 1; i < ranges.length; i++) {
    const a = ranges[i - 1].end;
    const b = ranges[i].start;
    assert.ok(a.line < b.line || (a.line === b.line && a.character <= b.character), 'sorted and not overlapping');
  }
  assert.equal(apply(TWO_IMAGES, 3, source[0].edit!, uri),
    TWO_IMAGES.replace('"nginx:1.27"', '"public.ecr.aws/docker/library/nginx:1.27"').replace('\'redis:7\'', '\'public.ecr.aws/docker/library/redis:7\''));
  assert.deepEqual(actionsAt(h, uri, 'nginx:1.27', [CodeActionKind.Refactor]), []);
  assert.deepEqual(actionsAt(h, uri, 'nginx:1.27', [CodeActionKind.SourceFixAll]).length, 1, 'fix all applies wherever the cursor is');
});

test('without documentChanges support edits fall back to `changes`', () => {
  const h = harness({ client: { documentChanges: false } });
  h.documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD);
  const [preferred] = actionsAt(h, POD_URI, 'image: nginx');
  assert.equal(preferred.edit?.documentChanges, undefined);
  assert.equal(preferred.edit?.changes?.[POD_URI]?.[0].newText, 'public.ecr.aws/docker/library/nginx');
});

test('allow-registry in an open policy document names its version; the edited policy admits the image', () => {
  const h = harness();
  const policyUri = keyToUri(POLICY_FILE);
  h.documents.didOpen(policyUri, 'yaml', 4, CLUSTER_POLICY);
  const podText = NGINX_POD.replace('image: nginx', 'image: ghcr.io/example/app:2');
  h.documents.didOpen(POD_URI, 'yaml', 1, podText);
  const allow = actionsAt(h, POD_URI, 'ghcr.io').find((a) => a.title === 'Allow ghcr.io/* in restrict-image-registries');
  assert.ok(allow);
  const [change] = editOf(allow);
  assert.deepEqual(change.textDocument, { uri: policyUri, version: 4 });
  const edited = apply(CLUSTER_POLICY, 4, allow.edit!, policyUri);
  assert.match(edited, /- image: "public\.ecr\.aws\/\* \| ghcr\.io\/\*"/);
  h.store.setFile(POLICY_FILE, edited);
  assert.deepEqual(h.analyzer.analyze('/ws/apps/pod.yaml', parseYamlFile(podText)).findings, []);
});

test('policy files: lint fixes become quick fixes (preferred as the lint says) and join fix-all', () => {
  const h = harness();
  const uri = 'file:///ws/policies/lookalike.yaml';
  const text = CLUSTER_POLICY.replace('"public.ecr.aws/*"', '"public.ecr.aws*"');
  h.documents.didOpen(uri, 'yaml', 2, text);
  const actions = actionsAt(h, uri, 'public.ecr.aws*');
  const change = actions.find((a) => a.title === 'Change to public.ecr.aws/*');
  assert.ok(change, actions.map((a) => a.title).join('\n'));
  assert.equal(change.isPreferred, true);
  assert.deepEqual(change.diagnostics?.map((d) => [d.code, d.source]), [['registry-lookalike-host', 'Registry Guard']]);
  assert.equal(editOf(change)[0].textDocument.version, 2);
  assert.match(apply(text, 2, change.edit!, uri), /- image: "public\.ecr\.aws\/\*"/);
  const fixAll = actionsAt(h, uri, 'apiVersion', [FIX_ALL_KIND]);
  assert.equal(fixAll.length, 1);
  const all = apply(text, 2, fixAll[0].edit!, uri);
  assert.match(all, /- image: "public\.ecr\.aws\/\*"/);
  assert.doesNotThrow(() => parseYamlFile(all));
});
