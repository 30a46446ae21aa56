/**
 * Registry Guard extension: starts the language server and wires its commands and status bar item.
 * All analysis happens in the server; the client only shows what the server reports.
 */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { StatusNotification, WorkspaceTrustNotification, type ServerState, ServerStateRequest } from '../../server/src/lsp/protocol';
import { CLIENT_NAME, createLanguageClient } from './client';
import { registerCommands } from './commands';
import { PolicyStatus } from './status';

/** What activate() returns, for tests and other extensions. */
export interface RegistryGuardApi {
  readonly client: LanguageClient;
  serverState(): Promise<ServerState>;
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<RegistryGuardApi> {
  const output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  const status = new PolicyStatus();
  const languageClient = createLanguageClient(context, output);
  client = languageClient;
  context.subscriptions.push(output, status, ...registerCommands(languageClient, output));
  context.subscriptions.push(languageClient.onNotification(StatusNotification, (params) => status.update(params)));
  context.subscriptions.push(languageClient.onDidChangeState(({ newState }) => {
    if (newState === State.Stopped) status.stopped();
  }));
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => {
    if (languageClient.isRunning()) void languageClient.sendNotification(WorkspaceTrustNotification, { isTrusted: true });
  }));
  await languageClient.start();
  return {
    client: languageClient,
    serverState: () => languageClient.sendRequest(ServerStateRequest),
  };
}

export async function deactivate(): Promise<void> {
  if (client !== undefined) await client.stop();
  client = undefined;
}
