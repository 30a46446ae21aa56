/** The status bar item: how many policies are in effect (and how many could not be loaded). */
import * as vscode from 'vscode';
import { Commands, type StatusParams } from '../../server/src/lsp/protocol';

export class PolicyStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('registryGuard.status', vscode.StatusBarAlignment.Right, 100);
  private last: StatusParams | undefined;

  constructor() {
    this.item.name = 'Registry Guard';
    this.item.command = Commands.showPolicies;
    this.item.text = '$(sync~spin) Registry Guard';
    this.item.tooltip = 'Registry Guard is starting';
    this.item.show();
  }

  get current(): StatusParams | undefined {
    return this.last;
  }

  update(status: StatusParams): void {
    this.last = status;
    const policies = `${status.policies} ${status.policies === 1 ? 'policy' : 'policies'}`;
    const errors = status.errors > 0 ? `, ${status.errors} ${status.errors === 1 ? 'error' : 'errors'}` : '';
    const icon = status.scanning ? '$(sync~spin)' : status.errors > 0 ? '$(warning)' : '$(shield)';
    this.item.text = `${icon} Registry Guard: ${policies}${errors}`;
    this.item.tooltip = [
      `${policies} with ${status.rules} ${status.rules === 1 ? 'rule' : 'rules'} from ${status.policyFiles} ${status.policyFiles === 1 ? 'file' : 'files'}`,
      status.errors > 0 ? `${status.errors} could not be loaded` : undefined,
      status.scanning ? 'Reading the workspace\'s policy files…' : undefined,
      'Click to list the policies in effect',
    ].filter((line) => line !== undefined).join('\n');
    this.item.backgroundColor = status.errors > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  stopped(): void {
    this.item.text = '$(circle-slash) Registry Guard: stopped';
    this.item.tooltip = 'The Registry Guard language server is not running';
  }

  dispose(): void {
    this.item.dispose();
  }
}
