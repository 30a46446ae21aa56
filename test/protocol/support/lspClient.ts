// A minimal LSP client over a real stdio connection to `node dist/server.js --stdio`, for the protocol tests.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  ClientCapabilities, ConfigurationParams, Diagnostic, PublishDiagnosticsParams, Registration, RegistrationParams,
  TextDocumentContentChangeEvent, WorkspaceFolder,
} from 'vscode-languageserver-protocol';
import { fixturesDir, repoRoot } from '../../support/paths';

/** dist/server.js; REGISTRY_GUARD_SERVER points the tests at another build of it. */
export const serverPath = process.env.REGISTRY_GUARD_SERVER ?? path.join(repoRoot, 'dist', 'server.js');
export const WAIT_MS = 15_000;

export function fileUri(file: string): string {
  return pathToFileURL(file).href;
}

/** A fresh copy of test/fixtures/lsp/workspace that the test may edit. */
export function copyWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-guard-lsp-'));
  fs.cpSync(path.join(fixturesDir, 'lsp', 'workspace'), dir, { recursive: true });
  return dir;
}

export const CLIENT_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    workspaceEdit: { documentChanges: true },
    workspaceFolders: true,
    didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
  },
  window: { workDoneProgress: true },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    completion: { completionItem: { snippetSupport: false, documentationFormat: ['markdown', 'plaintext'] } },
    // Edits come with the actions (no resolveSupport): the lazy path has its own capabilities in the tests.
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
      isPreferredSupport: true,
      disabledSupport: true,
      dataSupport: true,
    },
  },
};

export interface StartOptions {
  folders?: string[];
  /** The `registryGuard` section, answered for every workspace/configuration item. */
  settings?: Record<string, unknown>;
  initializationOptions?: unknown;
  capabilities?: ClientCapabilities;
  /** The server process's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export class LspTestClient {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly log: string[] = [];
  readonly registrations: Registration[] = [];
  readonly progressTokens: (string | number)[] = [];
  readonly progress: unknown[] = [];
  readonly stderr: string[] = [];
  readonly statuses: { policies: number; rules: number; policyFiles: number; errors: number; scanning: boolean }[] = [];
  settings: Record<string, unknown>;
  private listeners: (() => void)[] = [];

  private constructor(readonly process: ChildProcessWithoutNullStreams, readonly connection: MessageConnection, options: StartOptions) {
    this.settings = options.settings ?? {};
  }

  static async start(options: StartOptions = {}): Promise<LspTestClient> {
    if (!fs.existsSync(serverPath)) throw new Error(`${serverPath} is missing: run npm run build first`);
    const child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: 'pipe', env: options.env ?? process.env });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspTestClient(child, connection, options);
    child.stderr.on('data', (d: Buffer) => client.stderr.push(d.toString()));
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      client.published.push(params);
      client.changed();
    });
    connection.onNotification('window/logMessage', (params: { message: string }) => {
      client.log.push(params.message);
      client.changed();
    });
    connection.onNotification('$/progress', (params: unknown) => {
      client.progress.push(params);
      client.changed();
    });
    connection.onNotification('registryGuard/status', (params: LspTestClient['statuses'][number]) => {
      client.statuses.push(params);
      client.changed();
    });
    connection.onNotification((method: string, params: unknown) => {
      client.log.push(`${method} ${JSON.stringify(params)}`);
      client.changed();
    });
    connection.onRequest('workspace/configuration', (params: ConfigurationParams) =>
      params.items.map((item) => (item.section === 'registryGuard' ? client.settings : null)));
    connection.onRequest('client/registerCapability', (params: RegistrationParams) => {
      client.registrations.push(...params.registrations);
      client.changed();
      return null;
    });
    connection.onRequest('client/unregisterCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', (params: { token: string | number }) => {
      client.progressTokens.push(params.token);
      return null;
    });
    connection.listen();
    const folders: WorkspaceFolder[] = (options.folders ?? []).map((f) => ({ uri: fileUri(f), name: path.basename(f) }));
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folders[0]?.uri ?? null,
      workspaceFolders: folders.length > 0 ? folders : null,
      capabilities: options.capabilities ?? CLIENT_CAPABILITIES,
      initializationOptions: options.initializationOptions,
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
  }

  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Tells the server the settings changed (it then pulls them with workspace/configuration). */
  async setSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification('workspace/didChangeConfiguration', { settings: { registryGuard: settings } });
  }

  request<R>(method: string, params?: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  /** How many publications have arrived so far (to wait for one that comes after an action). */
  mark(): number {
    return this.published.length;
  }

  /** The first publication for `uri` at index >= `since` that satisfies `accept`. */
  diagnostics(uri: string, accept: (p: PublishDiagnosticsParams) => boolean = () => true, since = 0, what = 'diagnostics'): Promise<PublishDiagnosticsParams> {
    return this.waitFor(`${what} for ${uri}`, () => this.published.slice(since).find((p) => p.uri === uri && accept(p)));
  }

  /** Resolves when `probe` returns a value; rejects after WAIT_MS with the server's log attached. */
  waitFor<T>(what: string, probe: () => T | undefined | false): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (value) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        const last = this.published.slice(-5).map((p) => `${p.uri} v${p.version}: ${JSON.stringify(p.diagnostics.map((d) => [d.code, d.severity, d.message]))}`);
        reject(new Error(`timed out waiting for ${what}\nlast publications:\n${last.join('\n')}\nserver log:\n${this.log.join('\n')}\n${this.stderr.join('')}`));
      }, WAIT_MS);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
      };
      this.listeners.push(check);
      check();
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      this.process.kill();
    }
    await exited;
    this.connection.dispose();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** The position of the `occurrence`-th `needle` in `text` (0-based line/character). */
export function positionOf(text: string, needle: string, occurrence = 0): { line: number; character: number } {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`"${needle}" #${occurrence} not in text`);
  }
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

export function rangeOf(text: string, needle: string, occurrence = 0) {
  const start = positionOf(text, needle, occurrence);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

export function codes(diagnostics: Diagnostic[]): unknown[] {
  return diagnostics.map((d) => d.code);
}

/** A diagnostic's message as text (LSP 3.18 allows MarkupContent too). */
export function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}
