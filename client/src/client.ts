/**
 * Builds the LanguageClient: the bundled server over IPC, YAML documents (file and untitled) — the same
 * selector as Red Hat YAML uses, so both extensions serve the same documents side by side.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { CLIENT_COMMANDS, type InitializationOptions } from '../../server/src/lsp/protocol';

export const CLIENT_ID = 'registryGuard';
export const CLIENT_NAME = 'Registry Guard';

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  // A function, so that a restart after the user trusts the workspace sends the new state.
  const initializationOptions = (): InitializationOptions => ({ isTrusted: vscode.workspace.isTrusted, clientCommands: [...CLIENT_COMMANDS] });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    // Tells the server when our settings change; the server then pulls them per resource.
    synchronize: { configurationSection: CLIENT_ID },
    initializationOptions,
    outputChannel: output,
    diagnosticCollectionName: CLIENT_ID,
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}
