/**
 * Findings and notices (absolute offsets, engine data) → LSP diagnostics. Offsets become positions here, once,
 * through the document's TextDocument; rule sources through the policy file's text.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Location } from 'vscode-languageserver-protocol';
import type { FileAnalysis, Finding, Notice } from '../engine/analysis';
import type { DocumentSettings, SeverityName } from './settings';

export const DIAGNOSTIC_SOURCE = 'Registry Guard';

/** Where a span of a policy file is, as a Location (undefined when the file's text is not known). */
export interface PolicySourceLocator {
  locate(file: string, start: number, end: number): Location | undefined;
}

/** What a quick fix (and a curious user) needs to know about a finding, carried in Diagnostic.data. */
export interface FindingData {
  image?: string;
  policy: string;
  rule: string;
  path: string;
  action: 'Enforce' | 'Audit';
  status: 'fail' | 'error';
  resource: { kind: string; namespace: string; name: string };
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

export function findingDiagnostic(document: TextDocument, finding: Finding, settings: DocumentSettings, sources: PolicySourceLocator): Diagnostic {
  const data: FindingData = {
    image: finding.image,
    policy: finding.policy,
    rule: finding.rule,
    path: finding.path,
    action: finding.action,
    status: finding.status,
    resource: finding.resource,
  };
  const diagnostic: Diagnostic = {
    range: { start: document.positionAt(finding.start), end: document.positionAt(finding.end) },
    severity: SEVERITY[finding.action === 'Enforce' ? settings.severity.enforce : settings.severity.audit],
    source: DIAGNOSTIC_SOURCE,
    code: `${finding.policy}/${finding.rule}`,
    message: findingMessage(finding),
    data,
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
