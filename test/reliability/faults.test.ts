/**
 * Faults never take the server down. An unexpected exception while one document is analysed (injected with a
 * preload, injectFault.cjs: any search of a text that holds a marker throws, as a bug would) is logged with the
 * document it happened in, and every other document keeps its diagnostics. Policy files that are broken or cannot be
 * read are reported while every other policy keeps working. Removing a workspace folder stops its policies at once
 * while the other folder's stay.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileUri, lastPublished, messageOf, settled, startServer, state, stopServer, tempWorkspace } from './support/server';
import { SEED_POLICY } from './support/engine';
import { pod } from './support/hostileInputs';

const CODE = 'restrict-image-registries/validate-registries';
const MARKER = 'FAULT-MARKER-7f3a91';

function rename(policy: string, name: string): string {
  return policy.replace('name: restrict-image-registries', `name: ${name}`);
}

test('an exception while one document is analysed: logged with the document, the server keeps serving every other document', { timeout: 300_000 }, async () => {
  const ws = tempWorkspace({ 'policies/restrict-image-registries.yaml': SEED_POLICY });
  const client = await startServer({ folders: [ws], faultMarker: MARKER });
  try {
    await client.waitFor('the policy scan', () => client.statuses.find((s) => !s.scanning && s.policies === 1));
    const good = fileUri(path.join(ws, 'good.yaml'));
    await client.open(good, pod('good', 'nginx'));
    await client.diagnostics(good, (p) => p.diagnostics.length === 1);

    const faulty = fileUri(path.join(ws, 'faulty.yaml'));
    // A comment that mentions a template action makes the analyzer look at the text with regular expressions (is it a
    // Helm template?), which is where the injected fault strikes: outside any rule, in the analysis of the file.
    await client.open(faulty, `# ${MARKER}: rendered from {{ .Values.image }}\n${pod('faulty', 'nginx')}`);
    const logged = await client.waitFor('the fault to be logged', () => client.log.find((l) => l.includes('injected fault')));
    assert.ok(logged.includes(faulty) || logged.includes(path.join(ws, 'faulty.yaml')), `the log names the document: ${logged}`);

    // Still serving: the other document is re-checked after an edit, and the faulty one recovers once fixed.
    const mark = client.mark();
    await client.change(good, 2, [{ range: { start: { line: 7, character: 13 }, end: { line: 7, character: 18 } }, text: 'public.ecr.aws/nginx/nginx' }]);
    await client.diagnostics(good, (p) => p.version === 2 && p.diagnostics.length === 0, mark, 'the good document re-checked');
    await client.change(faulty, 2, [{ text: pod('faulty', 'nginx') }]);
    const recovered = await client.diagnostics(faulty, (p) => p.version === 2, mark, 'the fixed document checked');
    assert.deepEqual(recovered.diagnostics.map((d) => d.code), [CODE]);
    assert.equal(client.process.exitCode, null);
  } finally {
    await stopServer(client, ws);
  }
});

test('policies whose compilation or evaluation throws: each fault stays with its policy, every other policy keeps judging', { timeout: 300_000 }, async () => {
  const noAutogen = (policy: string) => policy.replace('  annotations:\n', '  annotations:\n    pod-policies.kyverno.io/autogen-controllers: none\n');
  // Compiling this one throws: autogen reads the message, which starts with the marker.
  const uncompilable = rename(SEED_POLICY, 'uncompilable').replace('message: "Unknown Image registry."', `message: "${MARKER} {{ request.object.metadata.name }}"`);
  // Evaluating this one throws: the deny condition's key starts with the marker.
  const failing = noAutogen(rename(SEED_POLICY, 'failing')).replace(/pattern:\n(.*\n)*/, `deny:\n          conditions:\n            any:\n            - key: "${MARKER}{{ request.object.metadata.name }}"\n              operator: Equals\n              value: x\n`);
  const ws = tempWorkspace({ 'policies/restrict-image-registries.yaml': SEED_POLICY });
  const client = await startServer({ folders: [ws], faultMarker: MARKER });
  try {
    await client.waitFor('the policy scan', () => client.statuses.find((s) => !s.scanning && s.policies === 1));
    await client.open(fileUri(path.join(ws, 'policies', 'uncompilable.yaml')), uncompilable);
    await client.open(fileUri(path.join(ws, 'policies', 'failing.yaml')), failing);
    await client.waitFor('the unsaved policies to load', () => client.statuses.find((s) => s.policies === 2 && s.errors >= 1));
    const policies = await client.request<{ policies: { name: string }[]; errors: { message: string }[] }>('registryGuard/policies');
    assert.deepEqual(policies.policies.map((p) => p.name).sort(), ['failing', 'restrict-image-registries']);
    assert.ok(policies.errors.some((e) => /uncompilable not loaded: internal error while compiling it: injected fault/.test(e.message)), JSON.stringify(policies.errors));

    const podUri = fileUri(path.join(ws, 'pod.yaml'));
    await client.open(podUri, pod('web', 'nginx'));
    // (The two policy documents themselves hold the marker in their text, so their own analysis fails and is logged;
    // they never settle, so wait for the Pod alone.)
    const { diagnostics } = await client.diagnostics(podUri, (p) => p.version === 1);
    assert.deepEqual(diagnostics.map((d) => d.code).sort(), ['failing/validate-registries', CODE], JSON.stringify(diagnostics.map((d) => messageOf(d))));
    const fault = diagnostics.find((d) => d.code === 'failing/validate-registries');
    assert.match(messageOf(fault!), /injected fault/, 'the failing rule says what went wrong');
    assert.equal(client.process.exitCode, null);
  } finally {
    await stopServer(client, ws);
  }
});

function policyWorkspace(): string {
  const ws = tempWorkspace({
    'policies/restrict-image-registries.yaml': SEED_POLICY,
    'policies/broken-yaml.yaml': rename(SEED_POLICY, 'broken-yaml').replace('  rules:\n', '  rules: [\n'),
    'policies/invalid.yaml': rename(SEED_POLICY, 'invalid-policy').replace(/ {6}match:\n(.*\n)*? {6}validate:/, '      validate:'),
  });
  fs.symlinkSync(path.join(ws, 'policies', 'gone.yaml'), path.join(ws, 'policies', 'dangling.yaml'));
  fs.mkdirSync(path.join(ws, 'policies', 'folder.yaml'));
  // A policy bundle over the 1 MiB limit for policy files.
  fs.writeFileSync(path.join(ws, 'policies', 'huge.yaml'), `${rename(SEED_POLICY, 'huge-policy')}${'# padding\n'.repeat(120_000)}`);
  return ws;
}

test('broken and invalid policy files are reported (status, policy list, Errors in the file) while every other policy keeps working', { timeout: 300_000 }, async () => {
  const ws = policyWorkspace();
  const client = await startServer({ folders: [ws] });
  try {
    await client.waitFor('the policy scan', () => client.statuses.find((s) => !s.scanning));
    const s = await state(client);
    assert.ok(s.policyFiles.some((f) => f.endsWith('restrict-image-registries.yaml')));
    assert.ok(!s.policyFiles.some((f) => /dangling|folder|huge/.test(f)), JSON.stringify(s.policyFiles));
    assert.ok(s.errors >= 1, `the invalid policy is counted as an error (${s.errors})`);
    const listed = await client.request<{ errors: { uri?: string; message: string }[] }>('registryGuard/policies');
    assert.ok(listed.errors.some((e) => e.uri?.endsWith('invalid.yaml')), JSON.stringify(listed.errors));

    const podUri = fileUri(path.join(ws, 'pod.yaml'));
    await client.open(podUri, pod('web', 'nginx'));
    await settled(client);
    assert.deepEqual(lastPublished(client, podUri)?.diagnostics.map((d) => d.code), [CODE], 'the healthy policy applies, alone');

    for (const name of ['broken-yaml.yaml', 'invalid.yaml']) {
      const uri = fileUri(path.join(ws, 'policies', name));
      await client.open(uri, fs.readFileSync(path.join(ws, 'policies', name), 'utf8'));
      await settled(client);
      const shown = lastPublished(client, uri)?.diagnostics ?? [];
      assert.ok(shown.some((d) => d.severity === 1), `${name}: an Error in the policy file: ${JSON.stringify(shown.map((d) => messageOf(d)))}`);
    }
    assert.equal(lastPublished(client, podUri)?.diagnostics.length, 1);
  } finally {
    await stopServer(client, ws);
  }
});

test('policy files that cannot be read (a dangling symlink, one over the 1 MiB policy-file limit) are named in the output, with the reason', {
  timeout: 300_000,
}, async () => {
  const ws = policyWorkspace();
  const client = await startServer({ folders: [ws] });
  try {
    await client.waitFor('the policy scan', () => client.statuses.find((s) => !s.scanning));
    const output = client.log.join('\n');
    for (const name of ['dangling.yaml', 'huge.yaml']) {
      assert.ok(output.includes(path.join(ws, 'policies', name)), `${name} is reported in the log:\n${output}`);
    }
    assert.match(output, /huge\.yaml[^\n]*(limit|larger|MB|MiB)/, 'the oversized policy file names the limit');
  } finally {
    await stopServer(client, ws);
  }
});

test('removing one of two workspace folders stops its policies at once; the other folder\'s keep applying', { timeout: 300_000 }, async () => {
  const a = tempWorkspace({ 'policies/a.yaml': rename(SEED_POLICY, 'policy-a') });
  const b = tempWorkspace({ 'policies/b.yaml': rename(SEED_POLICY, 'policy-b') });
  const client = await startServer({ folders: [a, b] });
  try {
    await client.waitFor('the policy scan', () => client.statuses.find((s) => !s.scanning && s.policies === 2));
    const podUri = fileUri(path.join(b, 'pod.yaml'));
    await client.open(podUri, pod('web', 'nginx'));
    await client.diagnostics(podUri, (p) => p.diagnostics.length === 2);
    const mark = client.mark();
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: fileUri(a), name: 'a' }] } });
    const after = await client.diagnostics(podUri, () => true, mark, 'the first publication after the removal');
    assert.deepEqual(after.diagnostics.map((d) => d.code), ['policy-b/validate-registries'], 'the very next publication no longer has policy-a');
    const s = await state(client);
    assert.deepEqual(s.policyFiles, [path.join(b, 'policies', 'b.yaml')]);
  } finally {
    await stopServer(client, a, b);
  }
});

test('a document whose opening fails is still tracked: the next edit is checked', {
  timeout: 300_000,
}, async () => {
  const ws = tempWorkspace({ 'policies/restrict-image-registries.yaml': SEED_POLICY });
  const client = await startServer({ folders: [ws], faultMarker: MARKER });
  try {
    await client.waitFor('the policy scan', () => client.statuses.find((s) => !s.scanning && s.policies === 1));
    const uri = fileUri(path.join(ws, 'opened.yaml'));
    // The text starts with the marker, so reading it line by line (the YAML model, in didOpen) throws.
    await client.open(uri, `${MARKER}: x\n`);
    await client.waitFor('the failed open to be logged', () => client.log.find((l) => l.includes('injected fault') && l.includes(uri)));
    const mark = client.mark();
    await client.change(uri, 2, [{ text: pod('opened', 'nginx') }]);
    const fixed = await client.diagnostics(uri, (p) => p.version === 2, mark, 'the edited document checked');
    assert.deepEqual(fixed.diagnostics.map((d) => d.code), [CODE]);
  } finally {
    await stopServer(client, ws);
  }
});
