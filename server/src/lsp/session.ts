/**
 * The LSP glue: one session per connection. Handlers look up state and delegate; all Kyverno logic is in the
 * engine, all offset → position conversion in diagnostics/hover/policySources.
 */
import {
  CancellationToken, DidChangeWatchedFilesNotification, FileChangeType, TextDocumentSyncKind,
  type ClientCapabilities, type Connection, type Diagnostic, type Disposable, type InitializeParams,
  type InitializeResult, type WorkDoneProgressReporter, type WorkDoneProgressServerReporter, type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { Analyzer, PolicyStore } from '../engine/analysis';
import { DocumentStore } from './documents';
import type { FileSystem } from './fileSystem';
import { imageHover } from './hover';
import { describeError, type Logger } from './logger';
import { policySummaries } from './policyList';
import { PolicySources, type FileChange } from './policySources';
import { isInside, uriToKey } from './paths';
import {
  CheckWorkspaceRequest, PoliciesRequest, ServerStateRequest, StatusNotification, WorkspaceTrustNotification,
  type CheckWorkspaceParams, type CheckWorkspaceResult, type InitializationOptions, type ServerState, type StatusParams,
} from './protocol';
import { PushedConfiguration, SECTION, SettingsCache, type ConfigurationReader } from './configuration';
import { ValidationHandler } from './validation';
import { policyWatchers } from './watchers';
import { WorkspaceCheck, type CheckProgress } from './workspaceCheck';

export const MAX_ANALYSED_FILE_BYTES = 2 * 1024 * 1024;

export class RegistryGuardSession {
  private readonly log: Logger;
  private readonly store = new PolicyStore();
  private readonly analyzer = new Analyzer(this.store, { maxFileBytes: MAX_ANALYSED_FILE_BYTES, maxFileSetting: 'Registry Guard\'s file size limit' });
  private readonly documents: DocumentStore;
  private readonly pushed = new PushedConfiguration();
  private readonly settings: SettingsCache;
  private readonly sources: PolicySources;
  private readonly validation: ValidationHandler;
  private readonly check: WorkspaceCheck;
  private capabilities: ClientCapabilities = {};
  private folders: WorkspaceFolder[] = [];
  private trusted = true;
  private watcherRegistration: Disposable | undefined;
  private watchedExtraPaths = '';
  private recheck: { cancelled: boolean } | undefined;
  private configuring: Promise<void> = Promise.resolve();
  private policiesChangedDuringScan = false;
  /** The folders, their policy settings and trust that the last scan used. */
  private sourcesSignature: string | undefined;

  constructor(private readonly connection: Connection, fs: FileSystem) {
    this.log = {
      info: (m) => connection.console.info(m),
      warn: (m) => connection.console.warn(m),
      error: (m) => connection.console.error(m),
    };
    this.documents = new DocumentStore((uri) => this.log.error(`Incremental YAML model of ${uri} drifted from the editor text; re-parsed it.`));
    const reader: ConfigurationReader = {
      read: (scopeUri) => this.supportsConfiguration()
        ? connection.workspace.getConfiguration({ scopeUri, section: SECTION })
        : this.pushed.read(),
    };
    this.settings = new SettingsCache(reader);
    this.sources = new PolicySources(this.store, fs, this.documents, this.log, (policiesChanged) => this.policiesChanged(policiesChanged));
    const publisher = {
      publish: (uri: string, version: number | undefined, diagnostics: Diagnostic[]) => {
        void connection.sendDiagnostics({ uri, version, diagnostics });
      },
    };
    const policyErrors = { errorsFor: (key: string) => this.store.errors.filter((e) => e.file === key) };
    this.validation = new ValidationHandler(this.documents, this.analyzer, this.settings, this.sources, publisher, this.log, policyErrors);
    this.check = new WorkspaceCheck(this.sources, fs, this.documents, this.analyzer, this.settings, this.sources, publisher, this.log);
  }

  listen(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => void this.initialized());
    c.onDidOpenTextDocument(({ textDocument: d }) => this.guard(`opening ${d.uri}`, () => {
      const doc = this.documents.didOpen(d.uri, d.languageId, d.version, d.text);
      this.sources.documentChanged(doc);
      this.validation.schedule(d.uri);
    }));
    c.onDidChangeTextDocument(({ textDocument: d, contentChanges }) => this.guard(`changing ${d.uri}`, () => {
      const doc = this.documents.didChange(d.uri, d.version, contentChanges);
      if (doc === undefined) return;
      this.sources.documentChanged(doc);
      this.validation.schedule(d.uri);
    }));
    c.onDidCloseTextDocument(({ textDocument: d }) => this.guard(`closing ${d.uri}`, () => {
      const doc = this.documents.didClose(d.uri);
      this.validation.closed(d.uri);
      this.settings.forget(d.uri);
      if (doc === undefined) return;
      void this.sources.documentClosed(doc);
      void this.check.documentClosed(doc.key, d.uri);
    }));
    c.onHover(({ textDocument, position }) => {
      const doc = this.documents.get(textDocument.uri);
      if (doc === undefined) return null;
      try {
        const analysis = this.analyzer.analyze(doc.key, doc.yaml);
        return imageHover(doc, doc.document.offsetAt(position), analysis, this.sources) ?? null;
      } catch (error) {
        this.log.error(`Hover in ${textDocument.uri} failed: ${describeError(error)}`);
        return null;
      }
    });
    c.onDidChangeConfiguration(({ settings }) => {
      this.pushed.update(settings);
      void this.reloadConfiguration();
    });
    c.onDidChangeWatchedFiles(({ changes }) => {
      const mapped = changes.map((e) => ({ key: uriToKey(e.uri), change: fileChange(e.type) }));
      void this.sources.filesChanged(mapped);
    });
    c.onNotification(WorkspaceTrustNotification, ({ isTrusted }) => {
      if (isTrusted === this.trusted) return;
      this.trusted = isTrusted;
      void this.reloadConfiguration();
    });
    // Registered by method name so that any params (none, null, {}) are accepted: editors differ in what they send.
    c.onRequest(PoliciesRequest.method, () => policySummaries(this.store, this.sources));
    c.onRequest(CheckWorkspaceRequest.method, (...args: unknown[]) => this.checkWorkspace(paramsOf<CheckWorkspaceParams>(args), cancellationOf(args)));
    c.onRequest(ServerStateRequest.method, () => this.state());
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.capabilities = params.capabilities;
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    this.trusted = options.isTrusted !== false;
    this.pushed.update(options.settings);
    this.folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: params.rootUri }] : []);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'Registry Guard' },
    };
  }

  private async initialized(): Promise<void> {
    if (this.capabilities.workspace?.workspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders(({ removed, added }) => {
        const gone = new Set(removed.map((f) => f.uri));
        for (const folder of removed) this.sources.removeFolder(uriToKey(folder.uri));
        this.folders = [...this.folders.filter((f) => !gone.has(f.uri)), ...added];
        void this.reloadConfiguration();
      });
    }
    await this.reloadConfiguration();
  }

  /** Re-reads every setting; re-scans policy sources only when their settings or the folders changed. */
  private reloadConfiguration(): Promise<void> {
    this.configuring = this.configuring.then(() => this.applyConfiguration());
    return this.configuring;
  }

  private async applyConfiguration(): Promise<void> {
    try {
      this.settings.clear();
      const server = await this.settings.refreshServerSettings();
      const folderConfigs = [];
      for (const folder of this.folders) {
        folderConfigs.push({ path: uriToKey(folder.uri), settings: await this.settings.forFolder(folder.uri) });
      }
      const looseExtraPaths = this.folders.length === 0 ? (await this.settings.forFolder(undefined)).extraPaths : [];
      this.sources.setAllowedRegistries(server.allowedRegistries);
      const signature = JSON.stringify({ folderConfigs, looseExtraPaths, trusted: this.trusted });
      if (signature !== this.sourcesSignature) {
        this.sourcesSignature = signature;
        const scanned = this.sources.configure(folderConfigs, looseExtraPaths, this.trusted);
        await this.registerWatchers();
        await scanned;
      }
      this.validation.scheduleAll();
    } catch (error) {
      this.log.error(`Registry Guard could not apply its settings: ${describeError(error)}`);
    }
  }

  private async registerWatchers(): Promise<void> {
    const caps = this.capabilities.workspace?.didChangeWatchedFiles;
    if (!caps?.dynamicRegistration) return;
    const extra = this.sources.extraPaths().filter((p) => !this.sources.folderPaths().some((f) => isInside(f, p)));
    const key = JSON.stringify(extra);
    if (this.watcherRegistration !== undefined && key === this.watchedExtraPaths) return;
    this.watchedExtraPaths = key;
    this.watcherRegistration?.dispose();
    const watchers = policyWatchers(extra, caps.relativePatternSupport === true);
    try {
      this.watcherRegistration = await this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers });
    } catch (error) {
      this.log.warn(`Registry Guard could not watch policy files: ${describeError(error)}`);
    }
  }

  private policiesChanged(policiesChanged: boolean): void {
    // While the policy scan runs, re-validating after every file would flash partial results: wait for its end.
    this.policiesChangedDuringScan ||= policiesChanged;
    if (this.policiesChangedDuringScan && !this.sources.scanning) {
      this.policiesChangedDuringScan = false;
      this.validation.scheduleAll();
      if (this.check.hasRun) this.recheckWorkspace();
    }
    void this.connection.sendNotification(StatusNotification, this.status());
  }

  /** After a policy change, refreshes the diagnostics of a previous workspace check in the background. */
  private recheckWorkspace(): void {
    if (this.recheck !== undefined) this.recheck.cancelled = true;
    const run = { cancelled: false };
    this.recheck = run;
    const progress: CheckProgress = { report: () => undefined, get cancelled() { return run.cancelled; } };
    setTimeout(() => {
      if (!run.cancelled) void this.check.run(progress).catch((error) => this.log.error(`Workspace re-check failed: ${describeError(error)}`));
    }, 200);
  }

  private async checkWorkspace(params: CheckWorkspaceParams, token: CancellationToken): Promise<CheckWorkspaceResult> {
    if (this.recheck !== undefined) this.recheck.cancelled = true;
    await this.sources.whenIdle();
    const reporter = await this.progressReporter(params);
    reporter?.begin('Registry Guard: checking workspace manifests', 0, undefined, true);
    let lastPercent = -1;
    const progress: CheckProgress = {
      report: (done, total, file) => {
        const percent = total === 0 ? 100 : Math.floor((done * 100) / total);
        if (percent !== lastPercent) {
          lastPercent = percent;
          reporter?.report(percent, `${done}/${total} ${file}`);
        }
      },
      get cancelled() {
        return token.isCancellationRequested || (reporter !== undefined && 'token' in reporter && reporter.token.isCancellationRequested);
      },
    };
    try {
      return await this.check.run(progress);
    } finally {
      reporter?.done();
    }
  }

  /** The client's own progress token when it sent one, else a server-initiated progress if the client supports it. */
  private async progressReporter(params: CheckWorkspaceParams): Promise<WorkDoneProgressReporter | WorkDoneProgressServerReporter | undefined> {
    if (params.workDoneToken !== undefined) return this.connection.window.attachWorkDoneProgress(params.workDoneToken);
    if (!this.capabilities.window?.workDoneProgress) return undefined;
    return this.connection.window.createWorkDoneProgress();
  }

  private status(): StatusParams {
    const set = this.store.set;
    return {
      policies: set.policies.length,
      rules: set.policies.reduce((n, p) => n + p.rules.length, 0),
      policyFiles: this.store.policyFiles().length,
      errors: this.store.errors.length,
      scanning: this.sources.scanning,
    };
  }

  private state(): ServerState {
    return {
      trusted: this.trusted,
      workspaceFolders: this.sources.folderPaths(),
      policyFiles: this.store.policyFiles(),
      policies: this.store.set.policies.length,
      errors: this.store.errors.length,
      scanning: this.sources.scanning,
      documents: this.documents.all().map((d) => {
        const published = this.validation.publishedState(d.uri);
        return { uri: d.uri, version: d.document.version, publishedVersion: published?.version, diagnostics: published?.diagnostics ?? 0, kind: published?.kind };
      }),
    };
  }

  private supportsConfiguration(): boolean {
    return this.capabilities.workspace?.configuration === true;
  }

  /** A handler's exception is logged with context and never reaches the connection (which would stop the server). */
  private guard(context: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.log.error(`Registry Guard failed while ${context}: ${describeError(error)}`);
    }
  }
}

/** A request's params object (clients may send none or null). */
function paramsOf<T extends object>(args: unknown[]): Partial<T> {
  const first = args.length > 1 ? args[0] : undefined;
  return first !== null && typeof first === 'object' ? (first as Partial<T>) : {};
}

/** The cancellation token the connection passes last to a request handler. */
function cancellationOf(args: unknown[]): CancellationToken {
  const last = args[args.length - 1];
  return last !== null && typeof last === 'object' && 'isCancellationRequested' in last ? (last as CancellationToken) : CancellationToken.None;
}

function fileChange(type: FileChangeType): FileChange {
  return type === FileChangeType.Created ? 'created' : type === FileChangeType.Deleted ? 'deleted' : 'changed';
}
