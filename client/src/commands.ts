/** The registryGuard.* commands. They return their results so tests (and other extensions) can use them. */
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import {
  CheckWorkspaceRequest, Commands, PoliciesRequest, ServerStateRequest,
  type AddMappingArguments, type CheckWorkspaceResult, type PolicySummary, type ServerState,
} from '../../server/src/lsp/protocol';
import { addAllowedRegistry, addMapping, fixWorkspace, type FixWorkspaceOptions } from './fixes';

interface PolicyPick extends vscode.QuickPickItem {
  uri?: string;
  range?: vscode.Range;
}

export function registerCommands(client: LanguageClient, output: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.checkWorkspace, (): Thenable<CheckWorkspaceResult | undefined> => checkWorkspace(client)),
    vscode.commands.registerCommand(Commands.showPolicies, async (): Promise<PolicyPick | undefined> => {
      const result = await client.sendRequest(PoliciesRequest);
      const items = policyPicks(client, result.policies);
      if (result.errors.length > 0) {
        items.push({ label: 'Could not load', kind: vscode.QuickPickItemKind.Separator });
        for (const error of result.errors) {
          items.push({
            label: `$(error) ${error.message}`,
            description: error.uri ? vscode.workspace.asRelativePath(vscode.Uri.parse(error.uri)) : undefined,
            uri: error.uri,
            range: error.range ? client.protocol2CodeConverter.asRange(error.range) : undefined,
          });
        }
      }
      if (items.length === 0) {
        void vscode.window.showInformationMessage('Registry Guard: no Kyverno policy is in effect. Add ClusterPolicy files to the workspace or set registryGuard.allowedRegistries.');
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(items, { title: 'Registry Guard: policies in effect', matchOnDescription: true, matchOnDetail: true });
      if (picked?.uri !== undefined) {
        await vscode.window.showTextDocument(vscode.Uri.parse(picked.uri), { selection: picked.range, preview: true });
      }
      return picked;
    }),
    vscode.commands.registerCommand(Commands.restartServer, async () => {
      await client.restart();
    }),
    vscode.commands.registerCommand(Commands.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(Commands.serverState, (): Promise<ServerState> => client.sendRequest(ServerStateRequest)),
    vscode.commands.registerCommand(Commands.fixWorkspace, (options?: FixWorkspaceOptions) => fixWorkspace(client, options)),
    vscode.commands.registerCommand(Commands.addMapping, (args?: AddMappingArguments) => addMapping(args)),
    vscode.commands.registerCommand(Commands.addAllowedRegistry, (pattern: unknown) => addAllowedRegistry(pattern)),
  ];
}

/** Runs the server's workspace check behind a cancellable notification fed by the server's $/progress reports. */
function checkWorkspace(client: LanguageClient): Thenable<CheckWorkspaceResult | undefined> {
  const options = { location: vscode.ProgressLocation.Notification, title: 'Registry Guard', cancellable: true };
  return vscode.window.withProgress(options, async (progress, cancellation) => {
    const workDoneToken = randomUUID();
    let reported = 0;
    const listener = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
      if (value.kind === 'end') return;
      const percentage = value.percentage ?? reported;
      progress.report({ message: value.message ?? ('title' in value ? value.title : undefined), increment: Math.max(0, percentage - reported) });
      reported = Math.max(reported, percentage);
    });
    let result: CheckWorkspaceResult;
    try {
      result = await client.sendRequest(CheckWorkspaceRequest, { workDoneToken }, cancellation);
    } catch (error) {
      if (cancellation.isCancellationRequested) return undefined;
      throw error;
    } finally {
      listener.dispose();
    }
    const files = (n: number) => `${n} ${n === 1 ? 'file' : 'files'}`;
    const summary = result.cancelled
      ? `Registry Guard: workspace check cancelled after ${files(result.filesChecked)}.`
      : `Registry Guard checked ${files(result.filesChecked)}: ` +
        (result.problems === 0 ? 'no problems.' : `${result.problems} ${result.problems === 1 ? 'problem' : 'problems'} in ${files(result.filesWithProblems)}.`);
    void vscode.window.showInformationMessage(summary);
    return result;
  });
}

function policyPicks(client: LanguageClient, policies: PolicySummary[]): PolicyPick[] {
  const items: PolicyPick[] = [];
  for (const policy of policies) {
    const where = policy.uri ? vscode.workspace.asRelativePath(vscode.Uri.parse(policy.uri)) : 'setting registryGuard.allowedRegistries';
    items.push({ label: policy.name, kind: vscode.QuickPickItemKind.Separator });
    items.push({
      label: `$(law) ${policy.name}`,
      description: `${policy.kind} · ${policy.rules.length} ${policy.rules.length === 1 ? 'rule' : 'rules'}`,
      detail: where,
      uri: policy.uri,
      range: policy.range ? client.protocol2CodeConverter.asRange(policy.range) : undefined,
    });
    for (const rule of policy.rules) {
      items.push({
        label: `$(list-tree) ${rule.name}`,
        description: rule.unsupported ? `not evaluated: ${rule.unsupported}` : `${rule.form ?? 'rule'} · ${policy.name}`,
        uri: policy.uri,
        range: rule.range ? client.protocol2CodeConverter.asRange(rule.range) : undefined,
      });
    }
  }
  return items;
}
