/**
 * Policy files as the author types them: engine/policyLint problems as diagnostics (their fixes become code
 * actions), engine/authoring completion and hover. Offsets become positions here; the knowledge is in the engine.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CompletionItemKind, DiagnosticSeverity, InsertTextFormat, MarkupKind,
  type CompletionItem, type Diagnostic, type Hover, type Range, type TextEdit,
} from 'vscode-languageserver-protocol';
import { policyCompletions, policyHover, type CompletionItemData, type WorkspaceImage } from '../engine/authoring';
import { cursorAt } from '../engine/authoring/cursor';
import { lintPolicyDocument, type PolicyProblem } from '../engine/policyLint';
import type { YamlDocument } from '../engine/yaml/model';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import type { OpenDocument } from './documents';

/** Characters after which an editor asks for completion in a policy (anchors, keys, values, list items, quotes). */
export const POLICY_TRIGGER_CHARACTERS = ['(', ':', ' ', '-', '"'];

export interface WorkspaceKnowledge {
  /** Kinds present in the workspace's manifests (the autogen lint). */
  kinds(): ReadonlySet<string>;
  images(): WorkspaceImage[];
}

const SEVERITY: Record<PolicyProblem['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const COMPLETION_KIND: Record<CompletionItemData['kind'], CompletionItemKind> = {
  anchor: CompletionItemKind.Operator,
  operator: CompletionItemKind.Operator,
  kind: CompletionItemKind.Class,
  value: CompletionItemKind.EnumMember,
  key: CompletionItemKind.Property,
  annotation: CompletionItemKind.Property,
};

/** A lint problem with its place in the file (absolute offsets), and its fix's edits made absolute too. */
export interface LocatedProblem {
  documentIndex: number;
  problem: PolicyProblem;
  start: number;
  end: number;
  fix?: { title: string; preferred: boolean; edits: { start: number; end: number; newText: string }[] };
}

/** Only text that mentions a Kyverno API group is linted; every other YAML file costs one regex test. */
export function mayHoldPolicy(text: string): boolean {
  return /kyverno\.io\//.test(text);
}

export class PolicyAuthoring {
  constructor(private readonly workspace: WorkspaceKnowledge) {}

  problems(doc: OpenDocument): LocatedProblem[] {
    if (!mayHoldPolicy(doc.yaml.text)) return [];
    const context = { workloadKinds: this.workspace.kinds() };
    const out: LocatedProblem[] = [];
    for (const document of doc.yaml.documents) {
      if (!mayHoldPolicy(document.parsed.text)) continue;
      for (const problem of lintPolicyDocument(document.parsed, context)) {
        const located: LocatedProblem = { documentIndex: document.index, problem, start: document.start + problem.start, end: document.start + problem.end };
        if (problem.fix !== undefined && problem.fix.edits.length > 0) {
          located.fix = {
            title: problem.fix.title,
            preferred: problem.fix.preferred === true,
            edits: problem.fix.edits.map((e) => ({ start: document.start + e.start, end: document.start + e.end, newText: e.newText })),
          };
        }
        out.push(located);
      }
    }
    return out;
  }

  diagnostics(doc: OpenDocument): Diagnostic[] {
    return this.problems(doc).map((p) => problemDiagnostic(doc.document, p));
  }

  completion(doc: OpenDocument, offset: number): CompletionItem[] {
    const document = documentAt(doc, offset);
    if (document === undefined || !mayHoldPolicy(document.parsed.text)) return [];
    const relative = offset - document.start;
    const items = policyCompletions(document.parsed, relative);
    if (items.length === 0) return [];
    const cursor = cursorAt(document.parsed.text, relative);
    const typed: Range = { start: doc.document.positionAt(document.start + cursor.typedStart), end: doc.document.positionAt(offset) };
    const here: Range = { start: typed.end, end: typed.end };
    return items.map((item, index) => {
      const newText = item.insertText ?? item.label;
      // Operators are typed into a value (`public.ecr.aws/` + `*`); everything else replaces what is typed.
      const textEdit: TextEdit = { range: item.kind === 'operator' ? here : typed, newText };
      return {
        label: item.label,
        kind: COMPLETION_KIND[item.kind],
        detail: item.detail,
        documentation: { kind: MarkupKind.Markdown, value: item.documentation },
        textEdit,
        insertTextFormat: InsertTextFormat.PlainText,
        filterText: item.kind === 'operator' ? undefined : `${newText} ${item.label}`,
        sortText: String(index).padStart(4, '0'),
      };
    });
  }

  hover(doc: OpenDocument, offset: number): Hover | undefined {
    const document = documentAt(doc, offset);
    if (document === undefined || !mayHoldPolicy(document.parsed.text)) return undefined;
    const found = policyHover(document.parsed, offset - document.start, this.workspace.images());
    if (found === undefined) return undefined;
    return {
      contents: { kind: MarkupKind.Markdown, value: found.markdown },
      range: { start: doc.document.positionAt(document.start + found.start), end: doc.document.positionAt(document.start + found.end) },
    };
  }
}

export function problemDiagnostic(document: TextDocument, located: LocatedProblem): Diagnostic {
  return {
    range: { start: document.positionAt(located.start), end: document.positionAt(located.end) },
    severity: SEVERITY[located.problem.severity],
    source: DIAGNOSTIC_SOURCE,
    code: located.problem.code,
    message: located.problem.message,
  };
}

function documentAt(doc: OpenDocument, offset: number): YamlDocument | undefined {
  return doc.yaml.documents.find((d) => d.start <= offset && offset <= d.end);
}
