// The custom requests behind the extension's commands, over a real stdio connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { CheckWorkspaceResult, PoliciesResult, ServerState } from '../../server/src/lsp/protocol';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspTestClient, positionOf } from './support/lspClient';
import { fixturesDir } from '../support/paths';
import { withServer } from './support/workspace';

test('registryGuard/checkWorkspace publishes diagnostics for manifests that are not open, with cancellable progress', async () => {
  await withServer({}, async ({ client, file }) => {
    const open = file('apps/two-pods.yaml');
    await client.open(open.uri, open.text);
    await client.diagnostics(open.uri, (p) => p.version === 1);
    const mark = client.mark();
    const result = await client.request<CheckWorkspaceResult>('registryGuard/checkWorkspace');
    // pod.yaml (1) + deployment.yaml (2); two-pods.yaml is open and skipped; the rest have no findings.
    assert.equal(result.cancelled, false);
    assert.equal(result.problems, 3, JSON.stringify(result));
    assert.equal(result.filesWithProblems, 2);
    assert.ok(result.filesChecked >= 6, `checked ${result.filesChecked} files`);
    const published = client.published.slice(mark);
    const byFile = new Map(published.map((p) => [p.uri, p]));
    assert.equal(byFile.get(file('apps/pod.yaml').uri)?.diagnostics.length, 1);
    assert.equal(byFile.get(file('apps/deployment.yaml').uri)?.diagnostics.length, 2);
    assert.equal(byFile.get(file('apps/pod.yaml').uri)?.version ?? null, null, 'closed files are published without a version');
    assert.ok(!byFile.has(open.uri), 'the open document keeps its live diagnostics');
    assert.ok(!byFile.has(file('docker-compose.yaml').uri));
    assert.equal(client.progressTokens.length, 1, 'the server asked for a progress token');
    const kinds = client.progress.map((p) => (p as { value: { kind: string; cancellable?: boolean } }).value);
    assert.equal(kinds[0].kind, 'begin');
    assert.equal(kinds[0].cancellable, true);
    assert.equal(kinds.at(-1)?.kind, 'end');
  });
});

test('registryGuard/policies lists every policy and rule with where it is defined; the status counts them', async () => {
  await withServer({}, async ({ client, file }) => {
    const policy = file('policies/restrict-image-registries.yaml');
    const result = await client.request<PoliciesResult>('registryGuard/policies');
    assert.deepEqual(result.errors, []);
    assert.equal(result.policies.length, 1);
    const [p] = result.policies;
    assert.equal(p.name, 'restrict-image-registries');
    assert.equal(p.kind, 'ClusterPolicy');
    assert.equal(p.uri, policy.uri);
    assert.deepEqual(p.rules.map((r) => r.name), ['validate-registries']);
    const ruleLine = p.rules[0].range?.start.line;
    assert.ok(ruleLine !== undefined && ruleLine >= positionOf(policy.text, '- name: validate-registries').line, `rule range at line ${ruleLine}`);
    const status = client.statuses.at(-1)!;
    assert.deepEqual({ policies: status.policies, rules: status.rules, policyFiles: status.policyFiles, errors: status.errors, scanning: status.scanning },
      { policies: 1, rules: 1, policyFiles: 1, errors: 0, scanning: false });
  });
});

test('registryGuard/state reports the open documents and the version of their last diagnostics', async () => {
  await withServer({}, async ({ client, file, ws }) => {
    const pod = file('apps/pod.yaml');
    await client.open(pod.uri, pod.text, 4);
    await client.diagnostics(pod.uri, (p) => p.version === 4);
    const state = await client.request<ServerState>('registryGuard/state');
    assert.equal(state.trusted, true);
    assert.deepEqual(state.workspaceFolders, [ws]);
    assert.equal(state.policies, 1);
    assert.deepEqual(state.documents, [{ uri: pod.uri, version: 4, publishedVersion: 4, diagnostics: 1, kind: 'manifest' }]);
  });
});

test('a server started without workspace folders or client capabilities still works (plain stdio editors)', async () => {
  const workspace = path.join(fixturesDir, 'lsp', 'workspace');
  const policyText = fs.readFileSync(path.join(workspace, 'policies', 'restrict-image-registries.yaml'), 'utf8');
  const podText = fs.readFileSync(path.join(workspace, 'apps', 'pod.yaml'), 'utf8');
  const client = await LspTestClient.start({ capabilities: {} });
  try {
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { registryGuard: { severity: { enforce: 'hint' } } } });
    await client.open('untitled:policy', policyText);
    await client.open('untitled:pod', podText);
    const published = await client.diagnostics('untitled:pod', (p) => p.diagnostics.length === 1);
    assert.equal(published.diagnostics[0].code, 'restrict-image-registries/validate-registries');
    assert.equal(published.diagnostics[0].severity, 4, 'pushed settings apply');
  } finally {
    await client.stop();
  }
});

test('registryGuard/checkWorkspace reports through the client\'s workDoneToken and stops when the request is cancelled', async () => {
  await withServer({}, async ({ client }) => {
    const done = await client.request<CheckWorkspaceResult>('registryGuard/checkWorkspace', { workDoneToken: 'check-1' });
    assert.equal(done.cancelled, false);
    const reports = client.progress.filter((p) => (p as { token: unknown }).token === 'check-1').map((p) => (p as { value: { kind: string } }).value.kind);
    assert.equal(reports[0], 'begin');
    assert.equal(reports.at(-1), 'end');
    assert.equal(client.progressTokens.length, 0, 'no server-initiated progress when the client brought a token');

    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest('registryGuard/checkWorkspace', { workDoneToken: 'check-2' }, source.token);
    source.cancel();
    const outcome = (await pending) as CheckWorkspaceResult;
    assert.equal(outcome.cancelled, true, JSON.stringify(outcome));
    assert.ok(outcome.filesChecked < done.filesChecked, 'stopped before the end');
  });
});

test('after a workspace check, policy changes refresh the closed files\' diagnostics, and closing a file shows its disk state again', async () => {
  await withServer({}, async ({ client, file }) => {
    const pod = file('apps/pod.yaml');
    await client.request<CheckWorkspaceResult>('registryGuard/checkWorkspace');
    await client.diagnostics(pod.uri, (p) => p.diagnostics.length === 1);

    // Open the Pod, fix it without saving, close it: the closed file's diagnostics come from the disk again.
    await client.open(pod.uri, pod.text);
    const imageLine = positionOf(pod.text, '- image: nginx');
    const image = { start: { line: imageLine.line, character: imageLine.character + 9 }, end: { line: imageLine.line, character: imageLine.character + 14 } };
    await client.change(pod.uri, 2, [{ range: image, text: 'public.ecr.aws/nginx/nginx' }]);
    await client.diagnostics(pod.uri, (p) => p.version === 2 && p.diagnostics.length === 0);
    let mark = client.mark();
    await client.close(pod.uri);
    const reopened = await client.diagnostics(pod.uri, (p) => p.diagnostics.length === 1, mark, 'the on-disk diagnostic after closing');
    assert.equal(reopened.version ?? null, null);

    // A policy change on disk re-checks the closed files in the background.
    const policy = file('policies/restrict-image-registries.yaml');
    fs.writeFileSync(policy.path, policy.text.replace('public.ecr.aws/*', '*'));
    mark = client.mark();
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: policy.uri, type: 2 }] });
    await client.diagnostics(pod.uri, (p) => p.diagnostics.length === 0, mark, 'the closed Pod to clear after the policy change');
    await client.diagnostics(file('apps/deployment.yaml').uri, (p) => p.diagnostics.length === 0, mark, 'the closed Deployment to clear');
  });
});

test('initializationOptions.settings seed the settings of clients that neither pull nor push them (Neovim 0.7 init_options)', async () => {
  const workspace = path.join(fixturesDir, 'lsp', 'workspace');
  const podText = fs.readFileSync(path.join(workspace, 'apps', 'pod.yaml'), 'utf8');
  const client = await LspTestClient.start({
    capabilities: {},
    initializationOptions: { settings: { registryGuard: { allowedRegistries: ['public.ecr.aws/*'], severity: { enforce: 'warning' } } } },
  });
  try {
    await client.open('untitled:pod', podText);
    const published = await client.diagnostics('untitled:pod', (p) => p.diagnostics.length === 1);
    assert.equal(published.diagnostics[0].code, 'registryguard-allowed-registries/allowed-registries');
    assert.equal(published.diagnostics[0].severity, 2);
  } finally {
    await client.stop();
  }
});
