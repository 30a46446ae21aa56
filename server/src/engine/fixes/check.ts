// A rewrite target is offered only if it works: the image is replaced in the text, that YAML document is
// parsed again and evaluated against the same policies, and no failing result may remain on the image.
import type { FileAnalysis, Finding } from '../analysis';
import { planRewrite, rankCandidates, rewriteImageEdit, type CatalogOptions, type RewriteCandidate, type RewriteNote, type TextEdit } from '../catalog';
import { updateYamlFile, type ParsedDocument, type YamlFile } from '../yaml/model';
import { nodeWithValueRange, type ImageSite } from './sites';

/** What the check needs of engine/analysis: Analyzer satisfies it. */
export interface FileAnalyzer {
  analyze(file: string, yaml: YamlFile): FileAnalysis;
}

/** A catalog candidate that passes every active rule, with the edit that applies it (absolute offsets). */
export interface CheckedCandidate extends RewriteCandidate {
  edit: TextEdit;
}

export interface RejectedCandidate {
  candidate: RewriteCandidate;
  reason: string;
}

export interface CheckedImage {
  site: ImageSite;
  /** Ranked with rankCandidates: `preferred` is set on exactly one when exactly one is right. */
  candidates: CheckedCandidate[];
  /** Catalog candidates that would still fail, or that cannot be written into this scalar. */
  rejected: RejectedCandidate[];
  /** The catalog's notes: targets it refused (digest, Bitnami, disabled) and why there is nothing to offer. */
  notes: RewriteNote[];
  /** The image does not parse as a reference. */
  error?: string;
}

export function checkedCandidates(analyzer: FileAnalyzer, file: string, yaml: YamlFile, site: ImageSite, catalog?: CatalogOptions): CheckedImage {
  const plan = planRewrite(site.image, catalog);
  const result: CheckedImage = { site, candidates: [], rejected: [], notes: plan.notes, ...(plan.error !== undefined ? { error: plan.error } : {}) };
  if (plan.candidates.length === 0) return result;
  const document = yaml.documents[site.documentIndex];
  const node = document === undefined ? undefined : nodeWithValueRange(document.parsed.contents, site.start - document.start, site.end - document.start);
  if (document === undefined || node === undefined || node.kind !== 'scalar') {
    for (const candidate of plan.candidates) result.rejected.push({ candidate, reason: 'the image is no longer at this place in the text' });
    return result;
  }
  const otherProblemsBefore = problemKeys(analyzer.analyze(file, yaml).findings, document.start, document.end, site);
  const edits = new Map<string, TextEdit>();
  for (const candidate of plan.candidates) {
    const relative = rewriteImageEdit(document.parsed, node, candidate.image);
    if ('error' in relative) {
      result.rejected.push({ candidate, reason: relative.error });
      continue;
    }
    const edit: TextEdit = { start: document.start + relative.start, end: document.start + relative.end, newText: relative.newText };
    const verdict = verifyRewrite(analyzer, file, yaml, site, edit, candidate.image, otherProblemsBefore);
    if (verdict !== undefined) result.rejected.push({ candidate, reason: verdict });
    else edits.set(candidate.image, edit);
  }
  result.candidates = rankCandidates(plan.candidates, (image) => edits.has(image)).map((c) => ({ ...c, edit: edits.get(c.image)! }));
  return result;
}

/** undefined when the rewritten file reads back as intended and the image passes; otherwise why not. */
function verifyRewrite(analyzer: FileAnalyzer, file: string, yaml: YamlFile, site: ImageSite, edit: TextEdit, image: string, before: ReadonlySet<string>): string | undefined {
  const next = updateYamlFile(yaml, { start: edit.start, end: edit.end, text: edit.newText });
  const problem = readBackProblem(yaml, next, site.documentIndex, edit, image);
  if (problem !== undefined) return problem;
  const newSite = { start: edit.start, end: edit.start + edit.newText.length };
  const document = next.documents[site.documentIndex];
  const findings = analyzer.analyze(file, next).findings;
  const still = findings.filter((f) => f.start === newSite.start && f.end === newSite.end);
  if (still.length > 0) return `${image} would still fail ${describeFindings(still)}`;
  const introduced = [...problemKeys(findings, document.start, document.end, newSite)].filter((key) => !before.has(key));
  if (introduced.length > 0) return `rewriting to ${image} would make another check of the resource fail (${introduced.map((k) => k.split('\u0000').slice(0, 2).join('/')).join(', ')})`;
  return undefined;
}

/** The edited file must be the same YAML structure with only this scalar's value changed. */
function readBackProblem(before: YamlFile, after: YamlFile, documentIndex: number, edit: TextEdit, image: string): string | undefined {
  if (after.documents.length !== before.documents.length) return 'the rewritten text would split or join YAML documents';
  const document = after.documents[documentIndex];
  const parsed: ParsedDocument = document.parsed;
  if (parsed.errors.length > 0) return `the rewritten text would not parse: ${parsed.errors[0].message}`;
  const node = nodeWithValueRange(parsed.contents, edit.start - document.start, edit.start - document.start + edit.newText.length);
  if (node === undefined || node.kind !== 'scalar' || node.value !== image) return 'the rewritten text would not read back as the new image';
  return undefined;
}

function problemKeys(findings: readonly Finding[], from: number, to: number, except: { start: number; end: number }): Set<string> {
  const keys = new Set<string>();
  for (const f of findings) {
    if (f.start < from || f.end > to) continue;
    if (f.start === except.start && f.end === except.end) continue;
    keys.add(`${f.policy}\u0000${f.rule}\u0000${f.path}\u0000${f.image ?? ''}`);
  }
  return keys;
}

function describeFindings(findings: readonly Finding[]): string {
  const names = [...new Set(findings.map((f) => `${f.policy}/${f.rule} (${f.action})`))];
  return names.join(', ');
}
