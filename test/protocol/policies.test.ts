// Where policies come from, over a real stdio connection: workspace files, watched-file changes, unsaved edits of an
// open policy, the allowedRegistries setting, extraPaths, workspace trust and workspace folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { fileUri, messageOf, rangeOf } from './support/lspClient';
import { withServer } from './support/workspace';
import { fixturesDir } from '../support/paths';

const CODE = 'restrict-image-registries/validate-registries';
const ALLOW_LIST_CODE = 'registryguard-allowed-registries/allowed-registries';

test('the server watches YAML files and applies a policy change on disk to open manifests (Enforce → Audit gives a Warning)', async () => {
  await withServer({}, async ({ client, file }) => {
    const watchers = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
    assert.ok(watchers, 'didChangeWatchedFiles registered dynamically');
    assert.ok(JSON.stringify(watchers.registerOptions).includes('**/*.{yaml,yml}'));

    const pod = file('apps/pod.yaml');
    await client.open(pod.uri, pod.text);
    const before = await client.diagnostics(pod.uri, (p) => p.version === 1);
    assert.deepEqual(before.diagnostics.map((d) => d.severity), [DiagnosticSeverity.Error]);

    const policy = file('policies/restrict-image-registries.yaml');
    fs.writeFileSync(policy.path, policy.text.replace('validationFailureAction: Enforce', 'validationFailureAction: Audit'));
    const mark = client.mark();
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: policy.uri, type: 2 }] });
    const after = await client.diagnostics(pod.uri, (p) => p.diagnostics.length === 1, mark, 'the re-published Pod diagnostics');
    assert.equal(after.version, 1, 'published for the document version the editor has');
    assert.equal(after.diagnostics[0].severity, DiagnosticSeverity.Warning);
    assert.match(messageOf(after.diagnostics[0]), /admission would allow Pod nginx and report the violation \(Audit\)/);
  });
});

test('a policy file created or deleted on disk starts or stops applying', async () => {
  await withServer({}, async ({ client, file, ws }) => {
    const pod = file('apps/pod.yaml');
    await client.open(pod.uri, pod.text);
    await client.diagnostics(pod.uri, (p) => p.diagnostics.length === 1);
    const policy = file('policies/restrict-image-registries.yaml');
    const copy = path.join(ws, 'policies', 'second.yml');
    fs.writeFileSync(copy, policy.text.replace('name: restrict-image-registries', 'name: second-policy'));
    let mark = client.mark();
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(copy), type: 1 }] });
    const two = await client.diagnostics(pod.uri, (p) => p.diagnostics.length === 2, mark, 'two policies');
    assert.deepEqual(two.diagnostics.map((d) => d.code).sort(), [CODE, 'second-policy/validate-registries']);

    fs.rmSync(path.join(ws, 'policies'), { recursive: true });
    mark = client.mark();
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(ws, 'policies')), type: 3 }] });
    const none = await client.diagnostics(pod.uri, (p) => p.diagnostics.length === 0, mark, 'no policies left');
    assert.deepEqual(none.diagnostics, []);
  });
});

test('unsaved edits to an open policy apply to every open manifest at once; closing without saving restores the disk policy', async () => {
  await withServer({}, async ({ client, file }) => {
    const pod = file('apps/pod.yaml');
    const deployment = file('apps/deployment.yaml');
    const policy = file('policies/restrict-image-registries.yaml');
    await client.open(pod.uri, pod.text);
    await client.open(deployment.uri, deployment.text);
    await client.diagnostics(pod.uri, (p) => p.diagnostics.length === 1);
    await client.diagnostics(deployment.uri, (p) => p.diagnostics.length === 2);

    await client.open(policy.uri, policy.text);
    const mark = client.mark();
    await client.change(policy.uri, 2, [{ range: rangeOf(policy.text, 'public.ecr.aws/*'), text: '*' }]);
    const podClear = await client.diagnostics(pod.uri, (p) => p.diagnostics.length === 0, mark, 'the Pod to clear');
    const deploymentClear = await client.diagnostics(deployment.uri, (p) => p.diagnostics.length === 0, mark, 'the Deployment to clear');
    assert.equal(podClear.version, 1);
    assert.equal(deploymentClear.version, 1);
    assert.equal(fs.readFileSync(policy.path, 'utf8'), policy.text, 'nothing was saved');

    const closeMark = client.mark();
    await client.close(policy.uri);
    const back = await client.diagnostics(pod.uri, (p) => p.diagnostics.length === 1, closeMark, 'the disk policy to apply again');
    assert.equal(back.diagnostics[0].code, CODE);
  });
});

test('registryGuard.allowedRegistries acts as an Enforce policy without any policy file', async () => {
  await withServer({ policies: 0, prepare: (ws) => fs.rmSync(path.join(ws, 'policies'), { recursive: true }) }, async ({ client, file }) => {
    const pod = file('apps/pod.yaml');
    await client.open(pod.uri, pod.text);
    const before = await client.diagnostics(pod.uri, (p) => p.version === 1);
    assert.deepEqual(before.diagnostics, [], 'no policy, no diagnostic');

    const mark = client.mark();
    await client.setSettings({ allowedRegistries: ['public.ecr.aws/*'] });
    const after = await client.diagnostics(pod.uri, (p) => p.diagnostics.length > 0, mark, 'the allow-list diagnostic');
    const line = rangeOf(pod.text, '- image: nginx').start;
    const image = { start: { line: line.line, character: line.character + 9 }, end: { line: line.line, character: line.character + 14 } };
    assert.deepEqual(after.diagnostics.map((d) => [d.code, d.severity, d.range]), [[ALLOW_LIST_CODE, DiagnosticSeverity.Error, image]]);
    assert.match(messageOf(after.diagnostics[0]), /admission would block Pod nginx \(Enforce\)/);
    await client.waitFor('the status to count the allow-list policy', () => client.statuses.find((s) => s.policies === 1));
  });
});

test('policies under node_modules are not loaded (default exclude globs)', async () => {
  await withServer({
    prepare: (ws) => {
      fs.mkdirSync(path.join(ws, 'node_modules', 'pkg'), { recursive: true });
      fs.copyFileSync(path.join(fixturesDir, 'lsp', 'extra', 'node-modules-policy.yaml'), path.join(ws, 'node_modules', 'pkg', 'policy.yaml'));
    },
  }, async ({ client, file }) => {
    const pod = file('apps/pod.yaml');
    await client.open(pod.uri, pod.text);
    const { diagnostics } = await client.diagnostics(pod.uri, (p) => p.version === 1);
    assert.deepEqual(diagnostics.map((d) => d.code), [CODE]);
    const state = await client.request<{ policyFiles: string[] }>('registryGuard/state');
    assert.deepEqual(state.policyFiles.map((f) => path.basename(f)), ['restrict-image-registries.yaml']);
  });
});

test('extraPaths outside the workspace apply only once the workspace is trusted', async () => {
  const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-guard-shared-'));
  try {
    fs.copyFileSync(path.join(fixturesDir, 'lsp', 'extra', 'node-modules-policy.yaml'), path.join(shared, 'policy.yaml'));
    await withServer({ settings: { policies: { extraPaths: [shared] } }, initializationOptions: { isTrusted: false } }, async ({ client, file }) => {
      const pod = file('apps/pod.yaml');
      await client.open(pod.uri, pod.text);
      const untrusted = await client.diagnostics(pod.uri, (p) => p.version === 1);
      assert.deepEqual(untrusted.diagnostics.map((d) => d.code), [CODE], 'untrusted: extraPaths ignored');

      const mark = client.mark();
      await client.connection.sendNotification('registryGuard/workspaceTrust', { isTrusted: true });
      const trusted = await client.diagnostics(pod.uri, (p) => p.diagnostics.length === 2, mark, 'the extra policy to apply');
      assert.deepEqual(trusted.diagnostics.map((d) => d.code).sort(), ['from-node-modules/deny-everything', CODE]);
      const watchers = client.registrations.filter((r) => r.method === 'workspace/didChangeWatchedFiles').at(-1);
      assert.ok(JSON.stringify(watchers?.registerOptions).includes(fileUri(shared)), 'the extra path is watched');
    });
  } finally {
    fs.rmSync(shared, { recursive: true, force: true });
  }
});

test('removing a workspace folder stops its policies at once', async () => {
  await withServer({}, async ({ client, file, ws }) => {
    const pod = file('apps/pod.yaml');
    await client.open(pod.uri, pod.text);
    await client.diagnostics(pod.uri, (p) => p.diagnostics.length === 1);
    const mark = client.mark();
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', {
      event: { added: [], removed: [{ uri: fileUri(ws), name: path.basename(ws) }] },
    });
    const after = await client.diagnostics(pod.uri, (p) => p.diagnostics.length === 0, mark, 'the Pod to clear');
    assert.deepEqual(after.diagnostics, []);
  });
});
