/**
 * The LSP glue: one session per connection. Handlers look up state and delegate; all Kyverno logic is in the
 * engine, all offset → position conversion in diagnostics/hover/policySources.
 */
import {
  CancellationToken, CodeActionKind, DidChangeWatchedFilesNotification, FileChangeType, ResponseError, TextDocumentSyncKind,
  type ClientCapabilities, type Connection, type Diagnostic, type Disposable, type InitializeParams,
  type InitializeResult, type WorkDoneProgressReporter, type WorkDoneProgressServerReporter, type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analyzer, PolicyStore } from '../engine/analysis';
import { allowListPolicyText } from '../engine/analysis/allowList';
import { validateCatalogOptions } from '../engine/catalog';
import { parseYamlFile, type YamlFile } from '../engine/yaml/model';
import { CodeActionHandler, FIX_ALL_KIND, type CodeActionClientSupport } from './codeActions';
import { DocumentStore } from './documents';
import type { FileSystem } from './fileSystem';
import type { OpenDocument } from './documents';
import { imageHover } from './hover';
import { describeError, type Logger } from './logger';
import { policySummaries } from './policyList';
import { PolicySources, type FileChange } from './policySources';
import { isInside, keyToUri, uriToKey } from './paths';
import { WorkspaceInventory } from './inventory';
import { POLICY_TRIGGER_CHARACTERS, PolicyAuthoring } from './policyAuthoring';
import {
  CheckWorkspaceRequest, FixWorkspaceRequest, PoliciesRequest, ServerStateRequest, StatusNotification, TESTING_ENVIRONMENT_VARIABLE, WorkspaceTrustNotification,
  type CheckWorkspaceParams, type CheckWorkspaceResult, type FixWorkspaceParams, type FixWorkspaceResult, type InitializationOptions,
  type ServerState, type SkippedFix, type StatusParams,
} from './protocol';
import { MAX_FILE_SIZE_SETTING, maxFileBytes } from './settings';
import { PushedConfiguration, SECTION, SettingsCache, type ConfigurationReader } from './configuration';
import { createRegistryChecker, TargetVerification, type ClearableVerifier, type VerificationOptions } from './targetVerification';
import { ValidationHandler } from './validation';
import { policyWatchers } from './watchers';
import { WorkspaceCheck, type CheckProgress } from './workspaceCheck';

export interface SessionOptions {
  /** Honour initializationOptions.testing (default: the REGISTRY_GUARD_TESTING=1 environment variable). */
  testing?: boolean;
  /** Builds the registry checker for registryGuard.verifyRewriteTargets (default: a RegistryChecker). */
  createChecker?: (options: VerificationOptions) => ClearableVerifier;
}

export class RegistryGuardSession {
  private readonly log: Logger;
  private readonly store = new PolicyStore();
  private readonly analyzer: Analyzer;
  private readonly documents: DocumentStore;
  private readonly inventory: WorkspaceInventory;
  private readonly authoring: PolicyAuthoring;
  private readonly codeActions: CodeActionHandler;
  private readonly fs: FileSystem;
  private clientCommands: ReadonlySet<string> = new Set();
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
  private verification: TargetVerification;

  constructor(private readonly connection: Connection, fs: FileSystem, private readonly options: SessionOptions = {}) {
    this.log = {
      info: (m) => connection.console.info(m),
      warn: (m) => connection.console.warn(m),
      error: (m) => connection.console.error(m),
    };
    // Over registryGuard.maxFileSize a document keeps only its text: no YAML model (the Analyzer publishes the notice).
    this.documents = new DocumentStore(
      (uri) => this.log.error(`Incremental YAML model of ${uri} drifted from the editor text; re-parsed it.`),
      () => maxFileBytes(this.settings.serverSettings),
    );
    const reader: ConfigurationReader = {
      read: (scopeUri) => this.supportsConfiguration()
        ? connection.workspace.getConfiguration({ scopeUri, section: SECTION })
        : this.pushed.read(),
    };
    this.settings = new SettingsCache(reader);
    const settings = this.settings;
    // A getter, so that a change of registryGuard.maxFileSize applies to the next analysis.
    this.analyzer = new Analyzer(this.store, { get maxFileBytes() { return maxFileBytes(settings.serverSettings); }, maxFileSetting: MAX_FILE_SIZE_SETTING });
    this.inventory = new WorkspaceInventory(() => this.documents.all());
    this.authoring = new PolicyAuthoring({ kinds: () => this.inventory.kinds(), images: () => this.inventory.images() });
    this.sources = new PolicySources(this.store, fs, this.documents, this.log, (policiesChanged) => this.policiesChanged(policiesChanged));
    const publisher = {
      publish: (uri: string, version: number | undefined, diagnostics: Diagnostic[]) => {
        void connection.sendDiagnostics({ uri, version, diagnostics });
      },
    };
    const policyErrors = { errorsFor: (key: string) => this.store.errors.filter((e) => e.file === key) };
    const policyLint = { diagnostics: (doc: OpenDocument) => this.authoring.diagnostics(doc) };
    this.validation = new ValidationHandler(this.documents, this.analyzer, this.settings, this.sources, publisher, this.log, policyErrors, policyLint);
    this.check = new WorkspaceCheck(this.sources, fs, this.documents, this.analyzer, this.settings, this.sources, publisher, this.log, {
      maxFileBytes: () => maxFileBytes(this.settings.serverSettings),
      inventory: this.inventory,
    });
    this.fs = fs;
    this.verification = this.targetVerification(undefined);
    this.codeActions = new CodeActionHandler({
      documents: this.documents,
      analyzer: this.analyzer,
      policyText: (file) => this.sources.policyText(file),
      allowListText: () => {
        const text = allowListPolicyText(this.settings.serverSettings.allowedRegistries);
        return text === undefined ? undefined : parseYamlFile(text);
      },
      catalog: () => this.settings.serverSettings.catalog,
      generation: () => `${this.store.version}|${JSON.stringify(this.settings.serverSettings.catalog)}`,
      lintProblems: (doc) => this.authoring.problems(doc),
      verifier: () => this.verification.verifier,
    }, () => this.codeActionSupport());
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
        const offset = doc.document.offsetAt(position);
        const analysis = this.analyzer.analyze(doc.key, doc.yaml);
        return imageHover(doc, offset, analysis, this.sources) ?? this.authoring.hover(doc, offset) ?? null;
      } catch (error) {
        this.log.error(`Hover in ${textDocument.uri} failed: ${describeError(error)}`);
        return null;
      }
    });
    c.onCompletion(({ textDocument, position }) => {
      const doc = this.documents.get(textDocument.uri);
      if (doc === undefined) return [];
      try {
        return this.authoring.completion(doc, doc.document.offsetAt(position));
      } catch (error) {
        this.log.error(`Completion in ${textDocument.uri} failed: ${describeError(error)}`);
        return [];
      }
    });
    c.onCodeAction((params) => {
      try {
        return this.codeActions.provide(params);
      } catch (error) {
        this.log.error(`Code actions for ${params.textDocument.uri} failed: ${describeError(error)}`);
        return [];
      }
    });
    c.onCodeActionResolve(async (action) => {
      try {
        return await this.codeActions.resolve(action);
      } catch (error) {
        if (error instanceof ResponseError) throw error;
        this.log.error(`Resolving the code action "${action.title}" failed: ${describeError(error)}`);
        throw new ResponseError(-32603, `Registry Guard could not compute this fix: ${error instanceof Error ? error.message : String(error)}`);
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
      // At once, not after the queued reload: an untrusted workspace must not reach the network meanwhile.
      this.updateVerification();
      void this.reloadConfiguration();
    });
    // Registered by method name so that any params (none, null, {}) are accepted: editors differ in what they send.
    c.onRequest(PoliciesRequest.method, () => policySummaries(this.store, this.sources));
    c.onRequest(CheckWorkspaceRequest.method, (...args: unknown[]) => this.checkWorkspace(paramsOf<CheckWorkspaceParams>(args), cancellationOf(args)));
    c.onRequest(ServerStateRequest.method, () => this.state());
    c.onRequest(FixWorkspaceRequest.method, (...args: unknown[]) => this.fixWorkspace(paramsOf<FixWorkspaceParams>(args), cancellationOf(args)));
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.capabilities = params.capabilities;
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    this.trusted = options.isTrusted !== false;
    this.pushed.update(options.settings);
    this.clientCommands = new Set(Array.isArray(options.clientCommands) ? options.clientCommands.filter((c) => typeof c === 'string') : []);
    this.verification = this.targetVerification(options.testing);
    this.folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: params.rootUri }] : []);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: POLICY_TRIGGER_CHARACTERS },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
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
      this.updateVerification();
      for (const problem of validateCatalogOptions(server.catalog)) {
        this.log.warn(`Registry Guard ignores the rewrite setting ${problem.path}: ${problem.message}`);
      }
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

  /**
   * registryGuard.verifyRewriteTargets' checker, built only when the setting is on in a trusted workspace. The
   * test-only loopback switch counts only when the process was started for testing.
   */
  private targetVerification(testing: InitializationOptions['testing']): TargetVerification {
    const honoured = (this.options.testing ?? process.env[TESTING_ENVIRONMENT_VARIABLE] === '1') && testing?.allowInsecureLoopbackRegistry === true;
    const create = this.options.createChecker ?? createRegistryChecker;
    return new TargetVerification(() => create({ allowInsecureLoopback: honoured }));
  }

  private updateVerification(): void {
    this.verification.update(this.settings.serverSettings.verifyRewriteTargets, this.trusted);
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

  /** registryGuard/fixWorkspace: the preferred rewrite of every failing image in workspace manifests, not applied. */
  private async fixWorkspace(params: FixWorkspaceParams, token: CancellationToken): Promise<FixWorkspaceResult> {
    await this.sources.whenIdle();
    const reporter = await this.progressReporter(params);
    reporter?.begin('Registry Guard: planning image rewrites', 0, undefined, true);
    const cancelled = () => token.isCancellationRequested || (reporter !== undefined && 'token' in reporter && reporter.token.isCancellationRequested);
    try {
      const files = await this.sources.workspaceFiles(cancelled);
      const targets = files.map((key) => ({ key, uri: keyToUri(key) }));
      for (const doc of this.documents.all()) if (!files.includes(doc.key)) targets.push({ key: doc.key, uri: doc.uri });
      const edits: NonNullable<ReturnType<CodeActionHandler['fileFix']>['edit']>[] = [];
      const skipped: SkippedFix[] = [];
      let rewrites = 0;
      for (const [index, target] of targets.entries()) {
        if (cancelled()) break;
        reporter?.report(Math.floor((index * 100) / Math.max(1, targets.length)), target.key);
        const source = await this.fixSource(target.key, target.uri);
        if (source === undefined || this.analyzer.analyze(target.key, source.yaml).kind !== 'manifest') continue;
        const { plan, edit } = this.codeActions.fileFix(target.uri, target.key, source.yaml, source.version, source.document);
        for (const s of plan.skipped) {
          skipped.push({ uri: target.uri, image: s.image, reason: s.reason, range: { start: source.document.positionAt(s.start), end: source.document.positionAt(s.end) } });
        }
        if (edit !== undefined) {
          edits.push(edit);
          rewrites += plan.fixes.length;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      return { edit: this.codeActions.workspaceEdit(edits), files: edits.length, rewrites, skipped, cancelled: cancelled() };
    } finally {
      reporter?.done();
    }
  }

  /** An open document as the editor has it, or the file as it is on disk. */
  private async fixSource(key: string, uri: string): Promise<{ yaml: YamlFile; version: number | null; document: TextDocument } | undefined> {
    const open = this.documents.byKey(key) ?? this.documents.get(uri);
    if (open !== undefined) return { yaml: open.yaml, version: open.document.version, document: open.document };
    const text = await this.fs.readFile(key, maxFileBytes(this.settings.serverSettings));
    if (text === undefined) return undefined;
    return { yaml: parseYamlFile(text), version: null, document: TextDocument.create(uri, 'yaml', 0, text) };
  }

  private codeActionSupport(): CodeActionClientSupport {
    const codeAction = this.capabilities.textDocument?.codeAction;
    return {
      resolveEdit: codeAction?.codeActionLiteralSupport !== undefined && (codeAction.resolveSupport?.properties ?? []).includes('edit'),
      documentChanges: this.capabilities.workspace?.workspaceEdit?.documentChanges === true,
      disabled: codeAction?.disabledSupport === true,
      commands: this.clientCommands,
    };
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
      verifyingRewriteTargets: this.verification.verifier !== undefined,
      workspaceFolders: this.sources.folderPaths(),
      policyFiles: this.store.policyFiles(),
      policies: this.store.set.policies.length,
      errors: this.store.errors.length,
      scanning: this.sources.scanning,
      documents: this.documents.all().map((d) => {
        const published = this.validation.publishedState(d.uri);
        return { uri: d.uri, version: d.document.version, publishedVersion: published?.version, diagnostics: published?.diagnostics ?? 0, kind: published?.kind };
      }),
      memory: (({ heapUsed, heapTotal, rss, external }) => ({ heapUsed, heapTotal, rss, external }))(process.memoryUsage()),
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
