// What an LSP client does with a WorkspaceEdit, for the protocol tests: versioned edits of open documents go back
// to the server as didChange (refused when the version moved on), edits of files that are not open are written
// to disk and announced with didChangeWatchedFiles.
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { LspTestClient } from './lspClient';

export interface OpenText {
  text: string;
  version: number;
}

/** The editor's view of the open documents, kept in step with what the test sends. */
export class Editor {
  readonly open = new Map<string, OpenText>();

  constructor(private readonly client: LspTestClient) {}

  async openDocument(uri: string, text: string, version = 1): Promise<void> {
    this.open.set(uri, { text, version });
    await this.client.open(uri, text, version);
  }

  async replaceAll(uri: string, text: string): Promise<number> {
    const current = this.open.get(uri)!;
    const version = current.version + 1;
    this.open.set(uri, { text, version });
    await this.client.change(uri, version, [{ text }]);
    return version;
  }

  /**
   * Applies the edit all-or-nothing, like VS Code's applyEdit after the language client's version check. Returns the
   * new versions of the open documents it changed, or the reason it refused.
   */
  async apply(edit: WorkspaceEdit): Promise<{ applied: true; versions: Map<string, number> } | { applied: false; reason: string }> {
    const changes = (edit.documentChanges ?? []) as TextDocumentEdit[];
    if (edit.changes !== undefined) throw new Error('the server must send versioned documentChanges');
    for (const change of changes) {
      const open = this.open.get(change.textDocument.uri);
      if (open !== undefined && change.textDocument.version !== null && change.textDocument.version !== open.version) {
        return { applied: false, reason: `${change.textDocument.uri} is at version ${open.version}, the edit is for version ${change.textDocument.version}` };
      }
    }
    const versions = new Map<string, number>();
    for (const change of changes) {
      const uri = change.textDocument.uri;
      const edits = change.edits as TextEdit[];
      const open = this.open.get(uri);
      if (open !== undefined) {
        const document = TextDocument.create(uri, 'yaml', open.version, open.text);
        const text = TextDocument.applyEdits(document, edits);
        const version = open.version + 1;
        // Later edits first, so each range still refers to the text it was computed for.
        const ordered = [...edits].sort((a, b) => document.offsetAt(b.range.start) - document.offsetAt(a.range.start));
        this.open.set(uri, { text, version });
        versions.set(uri, version);
        await this.client.change(uri, version, ordered.map((e) => ({ range: e.range, text: e.newText })));
      } else {
        const file = fileURLToPath(uri);
        const text = fs.readFileSync(file, 'utf8');
        fs.writeFileSync(file, TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 0, text), edits));
        await this.client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 2 }] });
      }
    }
    return { applied: true, versions };
  }
}
