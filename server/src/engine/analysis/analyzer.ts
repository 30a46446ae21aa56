import type { ParsedDocument, YamlDocument, YamlFile } from '../yaml/model';
import { evaluateParsedDocument, isPolicyDocument, type RuleResult } from '../policy';
import { classifyFile, containsTemplateAction, headerValue, isPartialWorkload, mentionsKubernetesObject, objectHeader, type FileKind } from './fileKind';
import type { PolicyStore } from './policyStore';

export interface Finding {
  policy: string;
  rule: string;
  action: 'Enforce' | 'Audit';
  status: 'fail' | 'error';
  /** Kyverno's own rule message, e.g. "validation error: ... rule X failed at path /spec/containers/0/image/". */
  message: string;
  /** The policy author's validate.message, or Kyverno's message when the rule has none. */
  policyMessage: string;
  path: string;
  image?: string;
  /** Absolute offsets in the analysed file: the image text, inside quotes. */
  start: number;
  end: number;
  ruleSource?: { file: string; start: number; end: number };
  resource: { kind: string; namespace: string; name: string };
}

export interface Notice {
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
  start: number;
  end: number;
  code: string;
}

export interface FileAnalysis {
  kind: FileKind;
  /** One per (policy, rule, resource), passes included; offsets absolute. */
  results: RuleResult[];
  findings: Finding[];
  notices: Notice[];
}

export interface AnalyzerOptions {
  /** Files larger than this are not evaluated; one informational notice says so. */
  maxFileBytes?: number;
  /** Named for the message that tells the user how to lift the limit. */
  maxFileSetting?: string;
  namespaceLabels?: Record<string, Record<string, string>>;
}

interface Placed { start: number; index: number; results: RuleResult[]; findings: Finding[] }

/** One copy per document: its results and findings at the place the document last stood in its file. */
interface CachedEvaluation {
  policyVersion: number;
  placed: Placed;
}

/**
 * Evaluates files against the store's policies. Evaluation is cached per ParsedDocument (which is
 * position-independent and shared between file versions), so an edit re-evaluates only the YAML
 * documents it touched, and a policy change invalidates everything at once through the store version.
 */
export class Analyzer {
  private cache = new WeakMap<ParsedDocument, CachedEvaluation>();

  constructor(private readonly store: PolicyStore, private readonly options: AnalyzerOptions = {}) {}

  analyze(file: string, yaml: YamlFile): FileAnalysis {
    const notices: Notice[] = [];
    const limit = this.options.maxFileBytes;
    if (limit !== undefined && yaml.text.length > limit) {
      const setting = this.options.maxFileSetting ?? 'maxFileSize';
      notices.push({
        severity: 'info', code: 'limit-file-size', start: 0, end: 0,
        message: `Registry Guard did not check this file: it is ${formatBytes(yaml.text.length)}, over the ${formatBytes(limit)} limit set by ${setting}.`,
      });
      return { kind: 'other', results: [], findings: [], notices };
    }

    const kind = classifyFile(yaml, isPolicyDocument, file);
    if (kind === 'other') return { kind, results: [], findings: [], notices };
    if (kind === 'helm-template') {
      notices.push({
        severity: 'hint', code: 'helm-template', start: 0, end: 0,
        message: 'Registry Guard skips this file: it looks like a Helm template. Check the rendered manifests (helm template ... | registry-guard check -) instead.',
      });
      return { kind, results: [], findings: [], notices };
    }

    const results: RuleResult[] = [];
    const findings: Finding[] = [];
    let templateHintGiven = false;
    let partialHintGiven = false;
    for (const doc of yaml.documents) {
      const parsed = doc.parsed;
      if (parsed.errors.length > 0) {
        if (kind === 'policy' || mentionsKubernetesObject(parsed.text) || yaml.documents.length === 1) {
          const error = parsed.errors[0];
          // An error at the very end of the text has no character to underline: the range stays inside the file.
          const start = Math.min(doc.start + error.offset, doc.end);
          const end = Math.min(start + Math.max(error.length, 1), doc.end);
          notices.push({ severity: 'error', code: 'yaml-syntax', message: `YAML syntax error: ${error.message}`, start, end });
        }
        continue;
      }
      if (parsed.contents === null) continue;
      const value = headerValue(parsed);
      const header = objectHeader(value);
      if (isPolicyDocument(value) || header === undefined) continue;
      if (containsTemplateAction(parsed.text)) {
        if (!templateHintGiven) {
          templateHintGiven = true;
          notices.push({ severity: 'hint', code: 'template-document', start: doc.start, end: doc.start, message: 'Registry Guard skips documents with {{ }} template actions: only the rendered manifest can be judged.' });
        }
        continue;
      }
      if (isPartialWorkload(parsed, header.kind)) {
        if (!partialHintGiven) {
          partialHintGiven = true;
          notices.push({ severity: 'hint', code: 'partial-document', start: doc.start, end: doc.start, message: `Registry Guard skips ${header.kind} documents that do not give every container an image (Kustomize patches, fragments): only complete manifests can be judged.` });
        }
        continue;
      }
      const placed = this.placed(doc);
      for (const r of placed.results) results.push(r);
      for (const f of placed.findings) findings.push(f);
    }
    return { kind, results, findings, notices };
  }

  /**
   * The document's results at its place in the file. Documents an edit did not touch keep their
   * ParsedDocument and usually their place, so a keystroke costs work only for the documents it changed.
   */
  private placed(doc: YamlDocument): Placed {
    const version = this.store.version;
    const cached = this.cache.get(doc.parsed);
    if (cached !== undefined && cached.policyVersion === version) {
      const known = cached.placed;
      if (known.start !== doc.start || known.index !== doc.index) cached.placed = place(known.results, doc, doc.start - known.start);
      return cached.placed;
    }
    // Results come relative to the document; they are kept only in their placed form.
    const relative = evaluateParsedDocument(this.store.set, doc.parsed, { namespaceLabels: this.options.namespaceLabels });
    const entry: CachedEvaluation = { policyVersion: version, placed: place(relative, doc, doc.start) };
    this.cache.set(doc.parsed, entry);
    return entry.placed;
  }
}

function place(results: readonly RuleResult[], doc: YamlDocument, shift: number): Placed {
  const moved = results.map((r) => shiftResult(r, doc.index, shift));
  return { start: doc.start, index: doc.index, results: moved, findings: moved.flatMap(findingsOf) };
}

// Copies by Object.assign then assignment, which keeps every key where it was: the same objects as
// spreading would give, without V8's slow path for spreading objects of several shapes.
function shiftResult(r: RuleResult, documentIndex: number, shift: number): RuleResult {
  const resource = Object.assign({}, r.resource);
  resource.documentIndex = documentIndex;
  resource.kindStart = r.resource.kindStart + shift;
  resource.kindEnd = r.resource.kindEnd + shift;
  const shifted = Object.assign({}, r);
  shifted.resource = resource;
  shifted.violations = r.violations.map((v) => {
    const moved = Object.assign({}, v);
    moved.start = v.start + shift;
    moved.end = v.end + shift;
    return moved;
  });
  return shifted;
}

function findingsOf(r: RuleResult): Finding[] {
  if (r.status !== 'fail' && r.status !== 'error') return [];
  const resource = { kind: r.resource.kind, namespace: r.resource.namespace, name: r.resource.name };
  if (r.violations.length === 0) return [finding(r, resource, '', undefined, r.resource.kindStart, r.resource.kindEnd, false)];
  return r.violations.map((v) => finding(r, resource, v.path, v.image, v.start, v.end, true));
}

/** One literal with a fixed key order (the CLI's JSON output follows it); `image` is present exactly when located. */
function finding(r: RuleResult, resource: Finding['resource'], path: string, image: string | undefined, start: number, end: number, withImage: boolean): Finding {
  const status = r.status as Finding['status'];
  const policyMessage = r.ruleMessage ?? r.message;
  if (!withImage) return { policy: r.policy, rule: r.rule, action: r.action, status, message: r.message, policyMessage, ruleSource: r.ruleSource, resource, path, start, end };
  return { policy: r.policy, rule: r.rule, action: r.action, status, message: r.message, policyMessage, ruleSource: r.ruleSource, resource, path, image, start, end };
}

function formatBytes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.ceil(n / 1e3)} kB`;
}
