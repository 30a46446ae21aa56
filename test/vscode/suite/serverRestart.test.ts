/**
 * The language server dies (killed with SIGKILL, as an out-of-memory kill or a crash would end it): VS Code's client
 * starts a new one, and Registry Guard's diagnostics come back for the open documents, computed by the new process.
 * Runs after the seed scenario in the same window (files run in name order), so the Pod and the policy are open.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ServerState } from '../../../server/src/lsp/protocol';
import { codeOf, EXTENSION_ID, ours, waitFor, workspaceFile } from './support';

const CODE = 'restrict-image-registries/validate-registries';

/** Child processes of this extension host that run dist/server.js (the client forks the server from here). */
function serverPids(): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (/dist[\\/]server\.js/.test(cmdline)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

suite('Registry Guard in a real extension host: the language server is killed and comes back', () => {
  const podUri = workspaceFile('pod.yaml');

  test('after SIGKILL the client starts a new server and the Pod gets its diagnostic again, from the new process', async function () {
    this.timeout(120_000);
    if (process.platform !== 'linux') this.skip();
    const pod = await vscode.workspace.openTextDocument(podUri);
    await vscode.window.showTextDocument(pod);
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await waitFor('the extension to activate', () => extension.isActive);
    await waitFor('a Registry Guard diagnostic on pod.yaml before the kill', () => ours(podUri).some((d) => codeOf(d) === CODE));

    const [before] = await waitFor('the server process', () => {
      const pids = serverPids();
      return pids.length === 1 && pids;
    });
    process.kill(before, 'SIGKILL');
    await waitFor('the old server to be gone', () => !alive(before));

    const [after] = await waitFor('a new server process', () => {
      const pids = serverPids().filter((p) => p !== before);
      return pids.length === 1 && pids;
    }, 60_000);
    assert.notEqual(after, before);

    // An edit the new server must see and judge: a comment line at the top of the Pod.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(podUri, new vscode.Position(0, 0), '# after the restart\n');
    await waitFor('the edit to be applied (the client is running again)', async () => vscode.workspace.applyEdit(edit), 30_000);
    const state = await waitFor('the new server to publish the edited Pod', async () => {
      const s = await vscode.commands.executeCommand<ServerState>('registryGuard.serverState').then((x) => x, () => undefined);
      const doc = s?.documents.find((d) => d.uri === podUri.toString());
      return doc !== undefined && doc.publishedVersion === pod.version && s;
    }, 60_000);
    assert.ok(state.policies >= 1, 'the new server read the policies');
    const diagnostics = await waitFor('the diagnostic to come back', () => {
      const found = ours(podUri).filter((d) => codeOf(d) === CODE);
      return found.length === 1 && found;
    }, 30_000);
    assert.equal(diagnostics[0].range.start.line, pod.getText().split('\n').findIndex((l) => /^\s*- image:/.test(l)), 'on the image line, shifted by the edit');
    assert.ok(alive(after), 'the new server is still running');
  });
});
