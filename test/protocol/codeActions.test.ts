// Quick fixes over a real stdio connection: checked rewrite targets, applying them, fix-all, allow-registry,
// the workspace fix, and version checks that keep a stale fix out of newer text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { CLIENT_CAPABILITIES, fileUri, rangeOf } from './support/lspClient';
import { Editor } from './support/edits';
import { withServer } from './support/workspace';

const CODE = 'restrict-image-registries/validate-registries';
const DOCKER_LIBRARY_TITLE = 'Rewrite to public.ecr.aws/docker/library/nginx (Docker Official Image mirror on Amazon ECR Public)';
const NGINX_REPO_TITLE = 'Rewrite to public.ecr.aws/nginx/nginx (NGINX\'s own nginx repository on Amazon ECR Public)';

function codeActions(client: { request<R>(m: string, p?: unknown): Promise<R> }, uri: string, diagnostic: Pick<Diagnostic, 'range'> & Partial<Diagnostic>, only?: string[]) {
  return client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri }, range: diagnostic.range, context: { diagnostics: 'message' in diagnostic ? [diagnostic] : [], ...(only ? { only } : {}) },
  });
}

function changesOf(action: CodeAction): TextDocumentEdit[] {
  assert.ok(action.edit?.documentChanges, `${action.title}: versioned documentChanges`);
  return action.edit.documentChanges as TextDocumentEdit[];
}

test('the seed nginx Pod: docker/library preferred, nginx/nginx offered too; applying the preferred fix clears the diagnostic', async () => {
  await withServer({}, async ({ client, file }) => {
    const pod = file('apps/pod.yaml');
    const editor = new Editor(client);
    await editor.openDocument(pod.uri, pod.text, 1);
    const { diagnostics } = await client.diagnostics(pod.uri, (p) => p.version === 1 && p.diagnostics.length === 1);
    const actions = await codeActions(client, pod.uri, diagnostics[0]);
    const rewrites = actions.filter((a) => a.title.startsWith('Rewrite to'));
    assert.deepEqual(rewrites.map((a) => [a.title, a.isPreferred === true]), [[DOCKER_LIBRARY_TITLE, true], [NGINX_REPO_TITLE, false]]);
    assert.deepEqual(rewrites[0].diagnostics?.map((d) => d.code), [CODE]);
    const [change] = changesOf(rewrites[0]);
    assert.deepEqual(change.textDocument, { uri: pod.uri, version: 1 });
    assert.deepEqual(change.edits, [{ range: diagnostics[0].range, newText: 'public.ecr.aws/docker/library/nginx' }]);

    const applied = await editor.apply(rewrites[0].edit!);
    assert.ok(applied.applied);
    const after = await client.diagnostics(pod.uri, (p) => p.version === 2);
    assert.deepEqual(after.diagnostics, []);
    assert.equal(editor.open.get(pod.uri)!.text, pod.text.replace('- image: nginx', '- image: public.ecr.aws/docker/library/nginx'));
  });
});

test('a target that would still fail is not offered: a policy that allows only public.ecr.aws/nginx/* gets nginx/nginx alone, preferred', async () => {
  const prepare = (ws: string) => {
    const policy = path.join(ws, 'policies', 'restrict-image-registries.yaml');
    fs.writeFileSync(policy, fs.readFileSync(policy, 'utf8').replace('"public.ecr.aws/*"', '"public.ecr.aws/nginx/*"'));
  };
  await withServer({ prepare }, async ({ client, file }) => {
    const pod = file('apps/pod.yaml');
    const editor = new Editor(client);
    await editor.openDocument(pod.uri, pod.text);
    const { diagnostics } = await client.diagnostics(pod.uri, (p) => p.version === 1 && p.diagnostics.length === 1);
    const rewrites = (await codeActions(client, pod.uri, diagnostics[0])).filter((a) => a.title.startsWith('Rewrite to'));
    assert.deepEqual(rewrites.map((a) => [a.title, a.isPreferred]), [[NGINX_REPO_TITLE, true]]);
    assert.ok((await editor.apply(rewrites[0].edit!)).applied);
    assert.deepEqual((await client.diagnostics(pod.uri, (p) => p.version === 2)).diagnostics, []);
  });
});

test('fix all on a CRLF file with quotes, flow style and comments: only the image texts change, and nothing is left to fix', async () => {
  const text = [
    '# two images in a flow sequence',
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: web, labels: {app: "web"}}',
    'spec:',
    '  containers: [{name: a, image: \'nginx:1.27\'}, {name: b, image: "redis:7"}]   # keep me',
    '  initContainers:',
    '    - name: init',
    '      image: "busybox:1.36"   # init',
    '',
  ].join('\r\n');
  await withServer({}, async ({ client, ws }) => {
    const uri = fileUri(path.join(ws, 'apps', 'crlf.yaml'));
    const editor = new Editor(client);
    await editor.openDocument(uri, text);
    await client.diagnostics(uri, (p) => p.version === 1 && p.diagnostics.length === 2);
    const [fixAll, ...others] = await codeActions(client, uri, { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }, ['source.fixAll']);
    assert.equal(others.length, 0);
    assert.equal(fixAll.kind, 'source.fixAll.registryGuard');
    assert.equal(fixAll.title, 'Registry Guard: fix all in file (2 fixes)');
    const [change] = changesOf(fixAll);
    assert.equal(change.textDocument.version, 1);
    const edits = change.edits as TextEdit[];
    assert.ok(edits[0].range.end.line < edits[1].range.start.line || edits[0].range.end.character <= edits[1].range.start.character, 'edits do not overlap');
    assert.ok((await editor.apply(fixAll.edit!)).applied);
    assert.equal(editor.open.get(uri)!.text, text
      .replace('\'nginx:1.27\'', '\'public.ecr.aws/docker/library/nginx:1.27\'')
      .replace('"redis:7"', '"public.ecr.aws/docker/library/redis:7"'));
    assert.deepEqual((await client.diagnostics(uri, (p) => p.version === 2)).diagnostics, [], 'busybox is an init container, which this policy does not check');
    assert.deepEqual(await codeActions(client, uri, { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }, ['source.fixAll']), []);
  });
});

test('allow-registry: the quick fix edits the unopened policy file; the workspace then admits the image', async () => {
  await withServer({}, async ({ client, file }) => {
    const deployment = file('apps/deployment.yaml');
    const policy = file('policies/restrict-image-registries.yaml');
    const editor = new Editor(client);
    await editor.openDocument(deployment.uri, deployment.text);
    const { diagnostics } = await client.diagnostics(deployment.uri, (p) => p.version === 1 && p.diagnostics.length === 2);
    const sidecar = diagnostics.find((d) => d.range.start.line === rangeOf(deployment.text, 'ghcr.io/example/sidecar:2').start.line)!;
    const actions = await codeActions(client, deployment.uri, sidecar);
    assert.deepEqual(actions.map((a) => a.title), ['Allow ghcr.io/* in restrict-image-registries'], 'no mirror is known for the sidecar');
    const [change] = changesOf(actions[0]);
    assert.deepEqual(change.textDocument, { uri: policy.uri, version: null });
    const mark = client.mark();
    assert.ok((await editor.apply(actions[0].edit!)).applied);
    assert.match(fs.readFileSync(policy.path, 'utf8'), /- image: "public\.ecr\.aws\/\* \| ghcr\.io\/\*"\n/);
    const after = await client.diagnostics(deployment.uri, (p) => p.diagnostics.length === 1, mark, 'diagnostics after the policy edit');
    assert.deepEqual(after.diagnostics[0].range, rangeOf(deployment.text, 'nginx:1.27'));
  });
});

test('version check: an eager edit names version N; a lazy action resolved after the document moved on is refused with ContentModified', async () => {
  const lazyCapabilities = structuredClone(CLIENT_CAPABILITIES);
  lazyCapabilities.textDocument!.codeAction!.resolveSupport = { properties: ['edit'] };
  await withServer({}, async ({ client, file }) => {
    const pod = file('apps/pod.yaml');
    const editor = new Editor(client);
    await editor.openDocument(pod.uri, pod.text, 5);
    const { diagnostics } = await client.diagnostics(pod.uri, (p) => p.version === 5 && p.diagnostics.length === 1);
    const [preferred] = await codeActions(client, pod.uri, diagnostics[0]);
    assert.equal(changesOf(preferred)[0].textDocument.version, 5);
    await editor.replaceAll(pod.uri, `# a comment line moves everything down\n${pod.text}`);
    const refused = await editor.apply(preferred.edit!);
    assert.deepEqual(refused, { applied: false, reason: `${pod.uri} is at version 6, the edit is for version 5` });
  });
  await withServer({ capabilities: lazyCapabilities }, async ({ client, file }) => {
    const pod = file('apps/pod.yaml');
    const editor = new Editor(client);
    await editor.openDocument(pod.uri, pod.text, 1);
    const { diagnostics } = await client.diagnostics(pod.uri, (p) => p.version === 1 && p.diagnostics.length === 1);
    const actions = await codeActions(client, pod.uri, diagnostics[0]);
    assert.ok(actions.length > 0 && actions.every((a) => a.edit === undefined && a.data !== undefined), 'edits are resolved at apply time');
    const resolved = await client.request<CodeAction>('codeAction/resolve', actions[0]);
    assert.equal(changesOf(resolved)[0].textDocument.version, 1);

    const edited = `# edited\n${pod.text}`;
    await editor.replaceAll(pod.uri, edited);
    await assert.rejects(client.request<CodeAction>('codeAction/resolve', actions[0]), (error: { code?: number; message?: string }) => {
      assert.equal(error.code, -32801, 'LSP ContentModified');
      assert.match(String(error.message), /changed after this fix was computed \(version 1\)/);
      return true;
    });
    // The text the user has now is untouched, and asking again gives a fix for version 2.
    const image = rangeOf(edited, 'nginx', 4);
    assert.equal(edited.split('\n')[image.start.line].trim(), '- image: nginx');
    const again = await codeActions(client, pod.uri, { range: image });
    assert.equal(again[0]?.title, DOCKER_LIBRARY_TITLE);
    const fresh = await client.request<CodeAction>('codeAction/resolve', again[0]);
    assert.equal(changesOf(fresh)[0].textDocument.version, 2);
    assert.deepEqual((changesOf(fresh)[0].edits[0] as TextEdit).range, image);
  });
});

test('registryGuard/fixWorkspace: preferred rewrites across the workspace, open documents versioned, files on disk with null; skipped images say why', async () => {
  await withServer({}, async ({ client, file }) => {
    const pod = file('apps/pod.yaml');
    const editor = new Editor(client);
    await editor.openDocument(pod.uri, pod.text, 3);
    await client.diagnostics(pod.uri, (p) => p.version === 3);
    const result = await client.request<{ edit: { documentChanges: TextDocumentEdit[] }; files: number; rewrites: number; skipped: { uri: string; image: string; reason: string }[]; cancelled: boolean }>('registryGuard/fixWorkspace', {});
    assert.equal(result.cancelled, false);
    const byUri = new Map(result.edit.documentChanges.map((c) => [c.textDocument.uri, c]));
    assert.deepEqual([...byUri.keys()].sort(), [file('apps/deployment.yaml').uri, pod.uri, file('apps/two-pods.yaml').uri].sort(), 'compose files, CI files and Helm templates are not touched');
    assert.equal(byUri.get(pod.uri)!.textDocument.version, 3);
    assert.equal(byUri.get(file('apps/deployment.yaml').uri)!.textDocument.version, null);
    assert.equal(result.rewrites, 4);
    assert.equal(result.files, 3);
    assert.deepEqual(result.skipped.map((s) => [s.uri, s.image]), [[file('apps/deployment.yaml').uri, 'ghcr.io/example/sidecar:2']]);
    assert.match(result.skipped[0].reason, /allow its registry in the policy/);

    assert.ok((await editor.apply(result.edit)).applied);
    await client.diagnostics(pod.uri, (p) => p.version === 4 && p.diagnostics.length === 0);
    const check = await client.request<{ problems: number; filesWithProblems: number }>('registryGuard/checkWorkspace', {});
    assert.deepEqual({ problems: check.problems, filesWithProblems: check.filesWithProblems }, { problems: 1, filesWithProblems: 1 }, 'only the sidecar is left');
  });
});
