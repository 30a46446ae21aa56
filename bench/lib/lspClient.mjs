// A scripted LSP client over real stdio (vscode-jsonrpc), for timing servers from the outside.
// Every publishDiagnostics is stamped with performance.now() the moment the client's handler runs, so a
// measurement is: stamp before sendNotification → stamp of the matching publication.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

export function fileUri(file) {
  return pathToFileURL(file).href;
}

const CAPABILITIES = {
  workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: false } },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true },
  },
};

export class BenchClient {
  /**
   * @param {object} o
   * @param {string} o.name          label for errors
   * @param {string[]} o.args        node arguments (script first), e.g. ['dist/server.js', '--stdio']
   * @param {string[]} [o.nodeArgs]  node options before the script (e.g. --cpu-prof)
   * @param {Record<string, unknown>} [o.sections]  workspace/configuration answers by section name
   * @param {string[]} [o.folders]   workspace folder paths
   * @param {number} [o.timeoutMs]
   */
  static async start(o) {
    const child = spawn(process.execPath, [...(o.nodeArgs ?? []), ...o.args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...(o.env ?? {}) }, cwd: o.cwd });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new BenchClient(o.name, child, connection, o.timeoutMs ?? 120_000);
    child.stderr.on('data', (d) => client.stderr.push(d.toString()));
    child.on('exit', (code, signal) => {
      client.exited = { code, signal };
      client.notify();
      client.rejectOnExit(new Error(`${o.name}: server exited (${JSON.stringify(client.exited)})\n${client.stderr.join('').slice(-2000)}`));
    });
    connection.onNotification('textDocument/publishDiagnostics', (params) => {
      client.published.push({ at: performance.now(), uri: params.uri, version: params.version, count: params.diagnostics.length, diagnostics: params.diagnostics });
      client.notify();
    });
    connection.onNotification('window/logMessage', (p) => client.log.push(p.message));
    connection.onNotification(() => undefined);
    connection.onRequest('workspace/configuration', (params) => params.items.map((item) => (o.sections ?? {})[item.section] ?? null));
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('client/unregisterCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest(() => null);
    connection.listen();
    const folders = (o.folders ?? []).map((f) => ({ uri: fileUri(f), name: f }));
    client.initializeResult = await client.withTimeout('initialize', connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folders[0]?.uri ?? null,
      workspaceFolders: folders.length > 0 ? folders : null,
      capabilities: CAPABILITIES,
      initializationOptions: o.initializationOptions,
    }));
    await connection.sendNotification('initialized', {});
    if (o.sections !== undefined) await connection.sendNotification('workspace/didChangeConfiguration', { settings: o.sections });
    return client;
  }

  constructor(name, child, connection, timeoutMs) {
    this.name = name;
    this.child = child;
    this.connection = connection;
    this.timeoutMs = timeoutMs;
    /** @type {{at: number, uri: string, version?: number, count: number, diagnostics: unknown[]}[]} */
    this.published = [];
    this.log = [];
    this.stderr = [];
    this.waiters = [];
    this.exited = undefined;
    this.exitedPromise = new Promise((_, reject) => {
      this.rejectOnExit = reject;
    });
    this.exitedPromise.catch(() => undefined);
  }

  get pid() {
    return this.child.pid;
  }

  /** Keeps only recent publications (a long run would otherwise hold every diagnostic list). */
  trim() {
    this.published.length = 0;
  }

  mark() {
    return this.published.length;
  }

  open(uri, text, version = 1) {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
  }

  change(uri, version, contentChanges) {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  close(uri) {
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  request(method, params) {
    return this.withTimeout(method, this.connection.sendRequest(method, params));
  }

  /** The first publication at index >= since that satisfies accept. */
  waitForPublish(accept, since = 0, what = 'publishDiagnostics') {
    return this.waitFor(what, () => {
      for (let i = since; i < this.published.length; i++) if (accept(this.published[i])) return this.published[i];
      return undefined;
    });
  }

  waitFor(what, probe) {
    return new Promise((resolve, reject) => {
      const waiter = () => {
        const value = probe();
        if (value !== undefined && value !== false) {
          done();
          resolve(value);
        } else if (this.exited !== undefined) {
          done();
          reject(new Error(`${this.name}: server exited (${JSON.stringify(this.exited)}) while waiting for ${what}\n${this.stderr.join('').slice(-2000)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: timed out after ${this.timeoutMs} ms waiting for ${what}\n${this.log.slice(-5).join('\n')}\n${this.stderr.join('').slice(-2000)}`));
      }, this.timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      this.waiters.push(waiter);
      waiter();
    });
  }

  notify() {
    for (const w of [...this.waiters]) w();
  }

  withTimeout(what, promise) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name}: timed out after ${this.timeoutMs} ms waiting for ${what}`)), this.timeoutMs);
    });
    return Promise.race([promise, timeout, this.exitedPromise]).finally(() => clearTimeout(timer));
  }

  /** shutdown + exit; kills this child (and only it) if it does not leave in time. */
  async stop() {
    if (this.exited === undefined) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      try {
        await this.withTimeout('shutdown', this.connection.sendRequest('shutdown'));
        await this.connection.sendNotification('exit');
      } catch {
        this.child.kill();
      }
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    this.connection.dispose();
  }
}
