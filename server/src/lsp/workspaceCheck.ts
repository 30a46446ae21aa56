/**
 * registryGuard.checkWorkspace: analyse every workspace YAML file that is not open and publish its diagnostics,
 * cancellable and with progress. Open documents are skipped: their diagnostics are already live.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-protocol';
import { parseYamlFile, type YamlFile } from '../engine/yaml/model';
import type { DocumentStore } from './documents';
import type { FileSystem } from './fileSystem';
import { toDiagnostics, type PolicySourceLocator } from './diagnostics';
import { keyToUri } from './paths';
import type { CheckWorkspaceResult } from './protocol';
import type { AnalysisEngine, DiagnosticsSink, ValidationSettings } from './validation';
import { describeError, type Logger } from './logger';

/** The default limit on files read from disk; the session passes registryGuard.maxFileSize. */
export const MAX_CHECKED_FILE_BYTES = 20_000_000;

export interface WorkspaceCheckOptions {
  /** Files larger than this are not read. */
  maxFileBytes?: () => number;
  /** Told what each checked file contains (kinds and images), for policy authoring. */
  inventory?: { record(uri: string, key: string, yaml: YamlFile): void; forget(uri: string): void };
}

export interface CheckProgress {
  report(done: number, total: number, file: string): void;
  readonly cancelled: boolean;
}

export const silentProgress: CheckProgress = { report: () => undefined, cancelled: false };

export interface WorkspaceFileLister {
  workspaceFiles(isCancelled: () => boolean): Promise<string[]>;
}

export class WorkspaceCheck {
  /** URIs whose diagnostics a check published (and that must be cleared or refreshed later). */
  private readonly reported = new Set<string>();
  private ran = false;
  private generation = 0;

  constructor(
    private readonly lister: WorkspaceFileLister,
    private readonly fs: FileSystem,
    private readonly documents: DocumentStore,
    private readonly engine: AnalysisEngine,
    private readonly settings: ValidationSettings,
    private readonly locator: PolicySourceLocator,
    private readonly sink: DiagnosticsSink,
    private readonly log: Logger,
    private readonly options: WorkspaceCheckOptions = {},
  ) {}

  /** Whether a check has run, so policy changes should refresh its results. */
  get hasRun(): boolean {
    return this.ran;
  }

  /** Runs a check; a newer run supersedes (and stops) an older one. */
  async run(progress: CheckProgress): Promise<CheckWorkspaceResult> {
    const generation = ++this.generation;
    this.ran = true;
    const stopped = () => progress.cancelled || generation !== this.generation;
    const result: CheckWorkspaceResult = { filesChecked: 0, filesWithProblems: 0, problems: 0, cancelled: false };
    const files = await this.lister.workspaceFiles(stopped);
    const seen = new Set<string>();
    for (const [index, file] of files.entries()) {
      if (stopped()) break;
      progress.report(index, files.length, file);
      const uri = keyToUri(file);
      seen.add(uri);
      if (this.documents.byKey(file) !== undefined) continue;
      const count = await this.checkFile(file, uri);
      if (count === undefined) continue;
      result.filesChecked++;
      if (count > 0) {
        result.filesWithProblems++;
        result.problems += count;
      }
      await new Promise((resolve) => setImmediate(resolve)); // let edits and cancellations in between files
    }
    result.cancelled = stopped();
    if (!result.cancelled) {
      // Files that disappeared or left the include globs since the last check lose their diagnostics.
      for (const uri of [...this.reported]) {
        if (!seen.has(uri) && !this.documents.has(uri)) this.clear(uri);
      }
    }
    return result;
  }

  /** A checked file was closed in the editor: show its on-disk diagnostics again. */
  async documentClosed(key: string, uri: string): Promise<boolean> {
    if (!this.ran) return false;
    await this.checkFile(key, uri);
    return true;
  }

  /** Analyses one file from disk and publishes; returns the number of problems, undefined when unreadable. */
  private async checkFile(key: string, uri: string): Promise<number | undefined> {
    const text = await this.fs.readFile(key, this.options.maxFileBytes?.() ?? MAX_CHECKED_FILE_BYTES);
    if (text === undefined || this.documents.byKey(key) !== undefined) return undefined;
    let diagnostics: Diagnostic[];
    try {
      const yaml = parseYamlFile(text);
      const analysis = this.engine.analyze(key, yaml);
      if (analysis.kind === 'manifest') this.options.inventory?.record(uri, key, yaml);
      else this.options.inventory?.forget(uri);
      const settings = await this.settings.forDocument(uri);
      diagnostics = toDiagnostics(TextDocument.create(uri, 'yaml', 0, text), analysis, settings, this.locator);
    } catch (error) {
      this.log.error(`Registry Guard could not analyse ${key} during the workspace check: ${describeError(error)}`);
      return undefined;
    }
    if (this.documents.byKey(key) !== undefined) return undefined; // opened meanwhile: live diagnostics win
    if (diagnostics.length > 0 || this.reported.has(uri)) {
      this.sink.publish(uri, undefined, diagnostics);
      if (diagnostics.length > 0) this.reported.add(uri);
      else this.reported.delete(uri);
    }
    // Hints (a Helm template note) are published but are not problems.
    return diagnostics.filter((d) => d.severity !== DiagnosticSeverity.Hint).length;
  }

  private clear(uri: string): void {
    this.reported.delete(uri);
    this.options.inventory?.forget(uri);
    this.sink.publish(uri, undefined, []);
  }
}
