/**
 * Security over a real stdio connection, with the network trap preloaded in the server process.
 * Untrusted workspace: no network even with registryGuard.verifyRewriteTargets on, no policy read from outside
 * the workspace folders (extraPaths, symlinks, include globs that climb out), and trusting the workspace is what
 * turns both on (so the test can tell). Trusted or not, a relative extraPaths entry that leaves the workspace folder
 * (`../../etc/passwd`) is refused with a message that names it.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { fileUri, settled, startServer, state, stopServer, tempWorkspace } from './support/server';
import { SEED_POLICY } from './support/engine';
import { pod } from './support/hostileInputs';
import { scratchDir } from './support/cli';
import type { LspTestClient } from '../protocol/support/lspClient';

const CODE = 'restrict-image-registries/validate-registries';
const OUTSIDE_CODE = 'outside-policy/validate-registries';

/** The seed policy under another name: it adds a second diagnostic, and the same rewrites fix both. */
function outsidePolicy(): string {
  return SEED_POLICY.replace('name: restrict-image-registries', 'name: outside-policy');
}

function attempts(log: string): string[] {
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') : [];
}

/** Asks for the quick fixes of every diagnostic and resolves each: where registry verification would happen. */
async function exerciseQuickFixes(client: LspTestClient, uri: string, diagnostics: Diagnostic[]): Promise<number> {
  let resolved = 0;
  for (const d of diagnostics) {
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    for (const action of actions) {
      await client.request<CodeAction>('codeAction/resolve', action).catch(() => undefined);
      resolved++;
    }
  }
  return resolved;
}

test('untrusted: no network with verifyRewriteTargets on, no policy from outside the folder; trusting the workspace enables both', { timeout: 300_000 }, async () => {
  const outside = scratchDir('outside-');
  fs.writeFileSync(path.join(outside, 'policy.yaml'), outsidePolicy());
  const ws = tempWorkspace({ 'policies/restrict-image-registries.yaml': SEED_POLICY });
  fs.symlinkSync(path.join(outside, 'policy.yaml'), path.join(ws, 'policies', 'linked.yaml'));
  const log = path.join(scratchDir('net-'), 'attempts.jsonl');
  const settings = { verifyRewriteTargets: true, policies: { include: ['**/*.yaml', '../**/*.yaml', '/**/*.yaml'], extraPaths: [outside, path.join(outside, 'policy.yaml')] } };
  const client = await startServer({ folders: [ws], settings, initializationOptions: { isTrusted: false }, networkLog: log });
  try {
    await client.waitFor('the policy scan', () => client.statuses.find((s) => !s.scanning));
    const untrusted = await state(client);
    assert.equal(untrusted.trusted, false);
    assert.deepEqual(untrusted.policyFiles, [path.join(ws, 'policies', 'restrict-image-registries.yaml')], 'only the policy inside the folder');

    const podUri = fileUri(path.join(ws, 'pod.yaml'));
    await client.open(podUri, pod('web', 'nginx'));
    await settled(client);
    const { diagnostics } = await client.diagnostics(podUri, (p) => p.version === 1);
    assert.deepEqual(diagnostics.map((d) => d.code), [CODE]);
    const resolved = await exerciseQuickFixes(client, podUri, diagnostics);
    assert.ok(resolved > 0, 'quick fixes were offered and resolved');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(attempts(log), [], 'no network attempt while untrusted');

    const mark = client.mark();
    await client.connection.sendNotification('registryGuard/workspaceTrust', { isTrusted: true });
    const trusted = await client.diagnostics(podUri, (p) => p.diagnostics.some((d) => d.code === OUTSIDE_CODE), mark, 'the outside policy once trusted');
    assert.deepEqual(trusted.diagnostics.map((d) => d.code).sort(), [CODE, OUTSIDE_CODE].sort());
    await exerciseQuickFixes(client, podUri, trusted.diagnostics);
    await client.waitFor('a registry lookup once trusted', () => attempts(log).length > 0);
    assert.ok(attempts(log).every((a) => /public\.ecr\.aws/.test(a)), attempts(log).join('\n'));
  } finally {
    await stopServer(client, ws);
  }
});

test('extraPaths that climb out of the workspace folder (../../etc/passwd) are refused with a message naming them', { timeout: 300_000 }, async () => {
  const outside = scratchDir('outside-');
  fs.writeFileSync(path.join(outside, 'policy.yaml'), outsidePolicy());
  const ws = tempWorkspace({ 'policies/restrict-image-registries.yaml': SEED_POLICY });
  const climbing = ['../../etc/passwd', path.relative(ws, path.join(outside, 'policy.yaml')), 'policies/../../x.yaml'];
  const client = await startServer({ folders: [ws], settings: { policies: { extraPaths: climbing } } });
  try {
    await client.waitFor('the policy scan', () => client.statuses.find((s) => !s.scanning && s.policies === 1));
    for (const entry of climbing) {
      const line = await client.waitFor(`a message about ${entry}`, () => client.log.find((l) => l.includes(`"${entry}"`)));
      assert.match(line, /registryGuard\.policies\.extraPaths: ignoring relative path ".*" leaves the workspace folder/);
    }
    const s = await state(client);
    assert.deepEqual(s.policyFiles, [path.join(ws, 'policies', 'restrict-image-registries.yaml')]);
    const podUri = fileUri(path.join(ws, 'pod.yaml'));
    await client.open(podUri, pod('web', 'nginx'));
    const { diagnostics } = await client.diagnostics(podUri, (p) => p.version === 1);
    assert.deepEqual(diagnostics.map((d) => d.code), [CODE], 'the outside policy never applies');
  } finally {
    await stopServer(client, ws);
  }
});
