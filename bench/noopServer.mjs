// The transport floor: a language server that does everything a real one must (incremental TextDocuments,
// one publishDiagnostics per version) and nothing else. Run as `node bench/noopServer.mjs --stdio`.
// With BENCH_DIAGNOSTICS_FILE (a JSON array of Diagnostic) it publishes that list instead of an empty one:
// the floor for sending the same payload the real server sends.
import { readFileSync } from 'node:fs';
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

connection.onInitialize(() => ({
  capabilities: { textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental } },
  serverInfo: { name: 'bench no-op server' },
}));

const replay = process.env.BENCH_DIAGNOSTICS_FILE ? JSON.parse(readFileSync(process.env.BENCH_DIAGNOSTICS_FILE, 'utf8')) : [];

documents.onDidChangeContent(({ document }) => {
  void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: replay });
});

documents.listen(connection);
connection.listen();
