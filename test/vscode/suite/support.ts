/**
 * Helpers the `vscode`-API tests share: waiting for a state of the editor, Registry Guard's own diagnostics, ranges
 * found by searching the document's text, and in-memory (unsaved) edits as a user typing would make them.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'registry-guard.registry-guard';
export const SOURCE = 'Registry Guard';

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test window has a workspace folder open');
  return vscode.Uri.joinPath(folder.uri, name);
}

export function codeOf(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' ? d.code.value : d.code;
}

/** Registry Guard's diagnostics on a document, as VS Code holds them now. */
export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** The range of `text` in the first line matching `line` (searched after the line's first `:`, if any). */
export function rangeIn(doc: vscode.TextDocument, line: RegExp, text: string): vscode.Range {
  for (let i = 0; i < doc.lineCount; i++) {
    const lineText = doc.lineAt(i).text;
    if (!line.test(lineText)) continue;
    const column = lineText.indexOf(text, lineText.indexOf(':') + 1);
    assert.ok(column >= 0, `"${text}" on line ${i + 1}: ${lineText}`);
    return new vscode.Range(i, column, i, column + text.length);
  }
  throw new Error(`no line matching ${line} in ${doc.uri.toString()}`);
}

/** Replaces a range through a WorkspaceEdit: the document changes in memory and is not saved. */
export async function replace(uri: vscode.Uri, range: vscode.Range, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, range, text);
  assert.equal(await vscode.workspace.applyEdit(edit), true, 'WorkspaceEdit applied');
}

export function describeDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string {
  return JSON.stringify(diagnostics.map((d) => ({ severity: d.severity, code: codeOf(d), message: d.message, range: [d.range.start, d.range.end] })));
}
