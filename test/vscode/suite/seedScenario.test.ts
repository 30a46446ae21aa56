/**
 * The seed scenario through the real `vscode` API, inside an extension host with Registry Guard under development:
 * the EKS workshop policy `restrict-image-registries` (Enforce) and the Pod `kubectl run nginx --image=nginx`
 * creates (test/fixtures/workspace-seed, copied fresh for every run). Edits are made in memory with
 * WorkspaceEdit and never saved, as a user typing would.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'registry-guard.registry-guard';
const SOURCE = 'Registry Guard';
const CODE = 'restrict-image-registries/validate-registries';
const ECR_IMAGE = 'public.ecr.aws/nginx/nginx';

async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test window has the seed workspace open');
  return vscode.Uri.joinPath(folder.uri, name);
}

function codeOf(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' ? d.code.value : d.code;
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** The range of `text` in the first line matching `line`, found in the document as it is now. */
function rangeIn(doc: vscode.TextDocument, line: RegExp, text: string): vscode.Range {
  for (let i = 0; i < doc.lineCount; i++) {
    const lineText = doc.lineAt(i).text;
    if (!line.test(lineText)) continue;
    const column = lineText.indexOf(text, lineText.indexOf(':') + 1);
    assert.ok(column >= 0, `"${text}" on line ${i + 1}: ${lineText}`);
    return new vscode.Range(i, column, i, column + text.length);
  }
  throw new Error(`no line matching ${line} in ${doc.uri.fsPath}`);
}

async function replace(uri: vscode.Uri, range: vscode.Range, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, range, text);
  assert.equal(await vscode.workspace.applyEdit(edit), true, 'WorkspaceEdit applied');
}

function describe(diagnostics: vscode.Diagnostic[]): string {
  return JSON.stringify(diagnostics.map((d) => ({ severity: d.severity, code: codeOf(d), message: d.message, range: [d.range.start, d.range.end] })));
}

suite('Registry Guard in a real extension host: the seed scenario', () => {
  const podUri = workspaceFile('pod.yaml');
  const policyUri = workspaceFile('restrict-image-registries.yaml');
  let pod: vscode.TextDocument;

  suiteSetup(async () => {
    pod = await vscode.workspace.openTextDocument(podUri);
    await vscode.window.showTextDocument(pod);
  });

  test('the extension activates when a YAML file is opened', async () => {
    assert.equal(pod.languageId, 'yaml');
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is loaded as the extension under development`);
    await waitFor('the extension to activate', () => extension.isActive);
  });

  test('an Error from Registry Guard sits exactly under `nginx` in the Pod', async () => {
    const expected = rangeIn(pod, /^\s*- image:/, 'nginx');
    const diagnostics = await waitFor('a Registry Guard diagnostic on pod.yaml', () => {
      const found = ours(podUri);
      return found.length > 0 && found;
    });
    assert.equal(diagnostics.length, 1, describe(diagnostics));
    const [d] = diagnostics;
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(codeOf(d), CODE);
    assert.ok(d.range.isEqual(expected), `range ${describe([d])} is the image text ${JSON.stringify([expected.start, expected.end])}`);
    assert.match(d.message, /Unknown Image registry\./);
  });

  test('hovering the image shows content', async () => {
    const range = rangeIn(pod, /^\s*- image:/, 'nginx');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', podUri, range.start.translate(0, 2));
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    assert.ok(text.trim().length > 0, 'a hover with content');
    assert.match(text, /nginx/, `the hover is about the image under the cursor:\n${text}`);
  });

  test('the registryGuard.showPolicies and registryGuard.checkWorkspace commands exist', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['registryGuard.showPolicies', 'registryGuard.checkWorkspace']) {
      assert.ok(commands.includes(id), `${id} is registered`);
    }
  });

  test(`editing the image to ${ECR_IMAGE} clears the diagnostic`, async () => {
    await replace(podUri, rangeIn(pod, /^\s*- image:/, 'nginx'), ECR_IMAGE);
    assert.match(pod.getText(), /- image: public\.ecr\.aws\/nginx\/nginx\n/);
    await waitFor('the diagnostic to clear', () => ours(podUri).length === 0);
  });

  test('putting `nginx` back brings the Error back', async () => {
    await replace(podUri, rangeIn(pod, /^\s*- image:/, ECR_IMAGE), 'nginx');
    const [d] = await waitFor('the Error to return', () => {
      const found = ours(podUri);
      return found.length === 1 && found;
    });
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
  });

  test('changing the policy to Audit (unsaved edit of the policy document) turns it into a Warning', async () => {
    const policy = await vscode.workspace.openTextDocument(policyUri);
    await replace(policyUri, rangeIn(policy, /^\s*validationFailureAction:/, 'Enforce'), 'Audit');
    assert.match(policy.getText(), /validationFailureAction: Audit\n/);
    assert.equal(policy.isDirty, true, 'the policy edit is not saved');
    const [d] = await waitFor('a Warning on pod.yaml', () => {
      const found = ours(podUri);
      return found.length === 1 && found[0].severity === vscode.DiagnosticSeverity.Warning && found;
    });
    assert.equal(codeOf(d), CODE);
    assert.ok(d.range.isEqual(rangeIn(pod, /^\s*- image:/, 'nginx')), describe([d]));
  });
});
