/**
 * Findings and notices (absolute offsets, engine data) → LSP diagnostics. Offsets become positions here, once,
 * through the document's TextDocument; rule sources through the policy file's text.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Location } from 'vscode-languageserver-protocol';
import type { FileAnalysis, Finding, Notice } from '../engine/analysis';
import type { ParsedDocument, YamlFile } from '../engine/yaml/model';
import type { DocumentSettings, SeverityName } from './settings';

export const DIAGNOSTIC_SOURCE = 'Registry Guard';

/** Where a span of a policy file is, as a Location (undefined when the file's text is not known). */
export interface PolicySourceLocator {
  locate(file: string, start: number, end: number): Location | undefined;
  /**
   * Changes whenever the policies in effect or any answer of `locate` may have changed. Without it, diagnostics
   * are converted afresh on every publish.
   */
  generation?(): string;
}

const SEVERITY: Record<SeverityName, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const NOTICE_SEVERITY: Record<Notice['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostics(document: TextDocument, analysis: FileAnalysis, settings: DocumentSettings, sources: PolicySourceLocator): Diagnostic[] {
  return [
    ...analysis.notices.map((n) => noticeDiagnostic(document, n)),
    ...analysis.findings.map((f) => findingDiagnostic(document, f, settings, sources)),
  ];
}

/**
 * A finding as a diagnostic. It carries no `data`: quick fixes find their findings in the server's own analysis of
 * the document version (by range and code), which keeps every published diagnostic a few hundred bytes smaller.
 */
export function findingDiagnostic(document: TextDocument, finding: Finding, settings: DocumentSettings, sources: PolicySourceLocator): Diagnostic {
  const diagnostic: Diagnostic = {
    range: { start: document.positionAt(finding.start), end: document.positionAt(finding.end) },
    severity: SEVERITY[finding.action === 'Enforce' ? settings.severity.enforce : settings.severity.audit],
    source: DIAGNOSTIC_SOURCE,
    code: `${finding.policy}/${finding.rule}`,
    message: findingMessage(finding),
  };
  const related = ruleSourceInformation(finding, sources);
  if (related !== undefined) diagnostic.relatedInformation = [related];
  return diagnostic;
}

export function noticeDiagnostic(document: TextDocument, notice: Notice): Diagnostic {
  return {
    range: { start: document.positionAt(notice.start), end: document.positionAt(notice.end) },
    severity: NOTICE_SEVERITY[notice.severity],
    source: DIAGNOSTIC_SOURCE,
    code: notice.code,
    message: notice.message,
  };
}

/** A policy that Registry Guard could not load (it would not apply), shown in its policy file. */
export function policyErrorDiagnostic(document: TextDocument, error: { offset: number; message: string }): Diagnostic {
  const position = document.positionAt(error.offset);
  return {
    range: { start: position, end: position },
    severity: DiagnosticSeverity.Error,
    source: DIAGNOSTIC_SOURCE,
    code: 'policy-load-error',
    message: error.message,
  };
}

/** "<policy message> — policy P, rule R: admission would block Pod x (Enforce)". */
export function findingMessage(finding: Finding): string {
  const subject = finding.resource.name === '' ? `this ${finding.resource.kind}` : `${finding.resource.kind} ${finding.resource.name}`;
  const consequence = finding.action === 'Enforce'
    ? `admission would block ${subject} (Enforce)`
    : `admission would allow ${subject} and report the violation (Audit)`;
  const where = `policy ${finding.policy}, rule ${finding.rule}`;
  const lead = finding.policyMessage.trim() || finding.message.trim();
  if (finding.status === 'error') return `${lead} — ${where} could not be evaluated (${finding.message.trim()}); ${consequence}`;
  return `${lead} — ${where}: ${consequence}`;
}

function ruleSourceInformation(finding: Finding, sources: PolicySourceLocator): DiagnosticRelatedInformation | undefined {
  if (finding.ruleSource === undefined) return undefined;
  const location = sources.locate(finding.ruleSource.file, finding.ruleSource.start, finding.ruleSource.end);
  if (location === undefined) return undefined;
  return { location, message: `Rule ${finding.rule} of policy ${finding.policy} (${finding.action})` };
}

interface CachedDocumentDiagnostics {
  startLine: number;
  key: string;
  diagnostics: Diagnostic[];
}

/**
 * The diagnostics of a file's findings, converted once per YAML document. A document starts at a line start, so
 * its diagnostics depend only on its ParsedDocument (identity), its start line, the policies in effect and their
 * locations (`PolicySourceLocator.generation`), the file kind and the severity settings: an edit converts only
 * the documents it re-parsed or moved to another line, and every other document's diagnostics are reused.
 * The result equals `toDiagnostics` (notices first, then findings in order).
 */
export class DocumentDiagnosticsCache {
  private readonly perDocument = new WeakMap<ParsedDocument, CachedDocumentDiagnostics>();

  diagnostics(document: TextDocument, yaml: YamlFile, analysis: FileAnalysis, settings: DocumentSettings, sources: PolicySourceLocator): Diagnostic[] {
    const generation = sources.generation?.();
    if (generation === undefined || yaml.text.length !== document.getText().length) return toDiagnostics(document, analysis, settings, sources);
    const key = `${generation}|${analysis.kind}|${settings.severity.enforce}|${settings.severity.audit}`;
    const out: Diagnostic[] = analysis.notices.map((n) => noticeDiagnostic(document, n));
    const findings = analysis.findings;
    const docs = yaml.documents;
    let next = 0;
    // Findings come in document order, each inside its document's range.
    for (let d = 0; d < docs.length && next < findings.length; d++) {
      const limit = d + 1 < docs.length ? docs[d + 1].start : Number.POSITIVE_INFINITY;
      let end = next;
      while (end < findings.length && findings[end].start < limit) end++;
      if (end === next) continue;
      const doc = docs[d];
      const start = document.positionAt(doc.start);
      const cached = this.perDocument.get(doc.parsed);
      if (cached !== undefined && cached.key === key && cached.startLine === start.line && cached.diagnostics.length === end - next && start.character === 0) {
        for (const diagnostic of cached.diagnostics) out.push(diagnostic);
      } else {
        const converted: Diagnostic[] = [];
        for (let i = next; i < end; i++) converted.push(findingDiagnostic(document, findings[i], settings, sources));
        if (start.character === 0) this.perDocument.set(doc.parsed, { startLine: start.line, key, diagnostics: converted });
        for (const diagnostic of converted) out.push(diagnostic);
      }
      next = end;
    }
    // Anything not inside a document (there should be nothing) is converted as it comes.
    for (let i = next; i < findings.length; i++) out.push(findingDiagnostic(document, findings[i], settings, sources));
    return out;
  }
}
