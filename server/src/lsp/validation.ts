/**
 * Diagnostics for open documents: each change schedules a validation after `registryGuard.diagnosticsDelay`
 * (≤ 50 ms); a newer version supersedes pending and in-flight work for the same document; diagnostics are
 * published with the version they were computed for. One document failing never affects the others.
 */
import type { Diagnostic } from 'vscode-languageserver-protocol';
import type { FileAnalysis } from '../engine/analysis';
import type { YamlFile } from '../engine/yaml/model';
import type { DocumentStore, OpenDocument } from './documents';
import { DocumentDiagnosticsCache, policyErrorDiagnostic, type PolicySourceLocator } from './diagnostics';
import type { DocumentSettings } from './settings';
import { describeError, type Logger } from './logger';

export interface AnalysisEngine {
  analyze(file: string, yaml: YamlFile): FileAnalysis;
}

export interface DiagnosticsSink {
  publish(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void;
}

export interface ValidationSettings {
  forDocument(uri: string): Promise<DocumentSettings>;
  /** Milliseconds between a change and its validation (already capped). */
  delay(): number;
}

/** Policy-file validation (engine/policyLint) as diagnostics for an open document. */
export interface PolicyLintSource {
  diagnostics(doc: OpenDocument): Diagnostic[];
}

/** Problems loading the policies of a file (policy files get them as diagnostics). */
export interface PolicyErrorSource {
  errorsFor(key: string): readonly { offset: number; message: string }[];
}

interface Published {
  version: number | undefined;
  diagnostics: number;
  kind: FileAnalysis['kind'];
}

export class ValidationHandler {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly published = new Map<string, Published>();
  private readonly converted = new DocumentDiagnosticsCache();

  constructor(
    private readonly documents: DocumentStore,
    private readonly engine: AnalysisEngine,
    private readonly settings: ValidationSettings,
    private readonly sources: PolicySourceLocator,
    private readonly sink: DiagnosticsSink,
    private readonly log: Logger,
    private readonly policyErrors: PolicyErrorSource = { errorsFor: () => [] },
    private readonly policyLint: PolicyLintSource = { diagnostics: () => [] },
  ) {}

  /** Validates the document's current version after the configured delay, replacing any pending validation. */
  schedule(uri: string): void {
    this.cancel(uri);
    const timer = setTimeout(() => {
      this.timers.delete(uri);
      this.track(this.validate(uri));
    }, this.settings.delay());
    this.timers.set(uri, timer);
  }

  scheduleAll(): void {
    for (const doc of this.documents.all()) this.schedule(doc.uri);
  }

  /** The document was closed: drop pending work and clear its diagnostics. */
  closed(uri: string): void {
    this.cancel(uri);
    this.published.delete(uri);
    this.sink.publish(uri, undefined, []);
  }

  publishedState(uri: string): Published | undefined {
    return this.published.get(uri);
  }

  /** Resolves once no validation is pending or running. */
  async whenIdle(): Promise<void> {
    while (this.timers.size > 0 || this.inFlight.size > 0) {
      if (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
      else await new Promise((resolve) => setTimeout(resolve, this.settings.delay() + 1));
    }
  }

  /** Analyses the document's current version and publishes, unless a newer version arrived meanwhile. */
  async validate(uri: string): Promise<void> {
    const doc = this.documents.get(uri);
    if (doc === undefined) return;
    const version = doc.document.version;
    let settings: DocumentSettings;
    try {
      settings = await this.settings.forDocument(uri);
    } catch (error) {
      this.log.error(`Could not read settings for ${uri}: ${describeError(error)}`);
      return;
    }
    const current = this.documents.get(uri);
    if (current === undefined || current.document.version !== version) return; // superseded by a newer version
    let diagnostics: Diagnostic[];
    let kind: FileAnalysis['kind'];
    try {
      const analysis = this.engine.analyze(current.key, current.yaml);
      diagnostics = this.converted.diagnostics(current.document, current.yaml, analysis, settings, this.sources);
      for (const error of this.policyErrors.errorsFor(current.key)) diagnostics.push(policyErrorDiagnostic(current.document, error));
      if (analysis.kind !== 'helm-template') diagnostics.push(...this.policyLint.diagnostics(current));
      kind = analysis.kind;
    } catch (error) {
      // Keep the server and every other document's diagnostics alive; this document keeps its last ones.
      this.log.error(`Registry Guard could not analyse ${uri} (version ${version}): ${describeError(error)}`);
      return;
    }
    this.published.set(uri, { version, diagnostics: diagnostics.length, kind });
    this.sink.publish(uri, version, diagnostics);
  }

  private cancel(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(uri);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}
