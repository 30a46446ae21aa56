// "Allow <registry>/* in <policy>": widen the failing image pattern(s) of a rule by one alternative, for
// images that have no mirror or whose registry the team decides to trust. The edit is offered only if the
// edited policy, evaluated again, admits the image.
import type { Finding } from '../analysis';
import type { TextEdit } from '../catalog';
import { parseImageReference } from '../image/reference';
import { validateValue } from '../pattern';
import { PolicySet, evaluateParsedDocument } from '../policy';
import { updateYamlFile, type ParsedDocument, type YamlFile, type YNode, type YScalar } from '../yaml/model';
import { applyEdits } from './edits';
import { nodeWithValueRange } from './sites';

export interface AllowPattern {
  /** The alternative to add, e.g. `ghcr.io/*`, or `nginx:*` for a Docker Hub image written without a registry. */
  pattern: string;
  /** What it admits, for titles and hovers. */
  description: string;
}

export interface AllowRegistryFix {
  policy: string;
  rule: string;
  /** The policy file (as the PolicyStore names it). */
  file: string;
  pattern: string;
  /** "Allow ghcr.io/* in restrict-image-registries" */
  title: string;
  /** Absolute offsets in the policy file's text; one per widened pattern string. */
  edits: TextEdit[];
}

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];

/**
 * The pattern that admits `image` as written. Kyverno compares the raw string (no `docker.io/` is added), so
 * an image written without a registry is admitted by its repository, not by `docker.io/*`.
 */
export function allowPatternFor(image: string): AllowPattern | { error: string } {
  const parsed = parseImageReference(image);
  if ('error' in parsed) return { error: `not an image reference: ${parsed.error}` };
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  if (first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return { pattern: `${first}/*`, description: `every image from ${first}` };
  }
  const repository = image.replace(/@.*$/, '').replace(/:[^/]*$/, '');
  const pattern = image.slice(repository.length).startsWith(':') ? `${repository}:*` : image.includes('@') ? `${repository}@*` : repository;
  return { pattern, description: `${repository} from Docker Hub, written without a registry (Kyverno compares the image as written)` };
}

/**
 * The edit that makes `finding`'s rule admit its image, in the policy file that defines the rule.
 * `resource` is the YAML document of the manifest the finding is in (to check the result).
 */
export function allowRegistryFix(policyFile: { file: string; yaml: YamlFile }, finding: Finding, resource: ParsedDocument): AllowRegistryFix | { reason: string } {
  if (finding.image === undefined) return { reason: 'the finding is not about an image' };
  const allow = allowPatternFor(finding.image);
  if ('error' in allow) return { reason: allow.error };
  const source = finding.ruleSource;
  if (source === undefined || source.file !== policyFile.file) return { reason: 'the rule\'s pattern is not in this file' };
  const document = policyFile.yaml.documents.find((d) => d.start <= source.start && source.end <= d.end);
  const value = document === undefined ? undefined : patternValueAt(document.parsed.contents, source.start - document.start);
  if (document === undefined || value === undefined) return { reason: `rule ${finding.rule} has no pattern or anyPattern to widen (deny and foreach rules are edited by hand)` };

  const image = finding.image;
  const list = CONTAINER_LISTS.filter((name) => finding.path.split('/').includes(name)).pop();
  const rejecting = imagePatterns(value).filter((p) => (list === undefined || p.ancestors.includes(list)) && !validateValue(image, p.scalar.value));
  if (rejecting.length === 0) return { reason: `no image pattern of rule ${finding.rule} rejects ${image}` };
  const widenable = rejecting.filter((p) => isRegistryList(p.scalar.value as string));
  if (widenable.length === 0) {
    return { reason: `the image pattern "${String(rejecting[0].scalar.value)}" is not a list of allowed registries; change it by hand` };
  }
  const edits: TextEdit[] = [];
  for (const { scalar } of widenable) {
    if (scalar.style === 'literal' || scalar.style === 'folded') return { reason: 'the image pattern is a block scalar; change it by hand' };
    edits.push({ start: document.start + scalar.valueEnd, end: document.start + scalar.valueEnd, newText: ` | ${allow.pattern}` });
  }
  const problem = verify(policyFile, edits, widenable.map((w) => ({ scalar: w.scalar, documentStart: document.start })), finding, resource);
  if (problem !== undefined) return { reason: problem };
  return { policy: finding.policy, rule: finding.rule, file: policyFile.file, pattern: allow.pattern, title: `Allow ${allow.pattern} in ${finding.policy}`, edits };
}

/** Every alternative is a plain wildcard over a registry/repository (no `!`, `&`, ranges or comparisons). */
function isRegistryList(pattern: string): boolean {
  return pattern.split('|').every((raw) => {
    const alternative = raw.trim();
    return alternative.includes('/') && !alternative.includes('&') && !/^[!<>]/.test(alternative);
  });
}

function verify(
  policyFile: { file: string; yaml: YamlFile }, edits: TextEdit[], scalars: { scalar: YScalar; documentStart: number }[], finding: Finding, resource: ParsedDocument,
): string | undefined {
  const text = applyEdits(policyFile.yaml.text, edits);
  if (typeof text !== 'string') return text.error;
  let yaml = policyFile.yaml;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) yaml = updateYamlFile(yaml, { start: edit.start, end: edit.end, text: edit.newText });
  if (yaml.text !== text || yaml.documents.length !== policyFile.yaml.documents.length) return 'the edited policy would not keep its structure';
  // Each widened scalar reads back as its old value plus the new alternative.
  const sorted = [...scalars].sort((a, b) => a.scalar.valueStart + a.documentStart - (b.scalar.valueStart + b.documentStart));
  let delta = 0;
  for (const { scalar, documentStart } of sorted) {
    const start = documentStart + scalar.valueStart + delta;
    const added = edits.find((e) => e.start === documentStart + scalar.valueEnd)!.newText;
    const end = documentStart + scalar.valueEnd + delta + added.length;
    const document = yaml.documents.find((d) => d.start <= start && end <= d.end);
    const node = document === undefined ? undefined : nodeWithValueRange(document.parsed.contents, start - document.start, end - document.start);
    if (document?.parsed.errors.length || node === undefined || node.kind !== 'scalar' || node.value !== `${String(scalar.value)}${added}`) {
      return 'the edited pattern would not read back as intended';
    }
    delta += added.length;
  }
  const set = PolicySet.fromDocuments([{ file: policyFile.file, yaml }]);
  const results = evaluateParsedDocument(set, resource).filter((r) => r.policy === finding.policy && r.rule === finding.rule);
  if (results.length === 0) return `the edited policy would no longer load or match (${set.errors[0]?.message ?? 'rule not evaluated'})`;
  for (const r of results) {
    if (r.status === 'error') return `rule ${finding.rule} would fail to evaluate: ${r.message}`;
    if (r.status === 'fail' && (r.violations.some((v) => v.path === finding.path) || r.violations.length === 0)) {
      return `${finding.image} would still fail rule ${finding.rule}`;
    }
  }
  return undefined;
}

/** The value of the `pattern:` / `anyPattern:` key written at `keyStart` (document-relative). */
function patternValueAt(root: YNode | null, keyStart: number): YNode | undefined {
  const pending: YNode[] = root === null ? [] : [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.kind === 'seq') pending.push(...node.items);
    if (node.kind !== 'map') continue;
    for (const pair of node.items) {
      if (pair.key.start === keyStart && pair.key.kind === 'scalar' && (pair.key.value === 'pattern' || pair.key.value === 'anyPattern')) {
        return pair.value ?? undefined;
      }
      if (pair.value !== null && pair.value.start <= keyStart && keyStart <= pair.value.end) pending.push(pair.value);
    }
  }
  return undefined;
}

/** String scalars under an `image` key (anchors such as `=(image)` included), with their field-name ancestors. */
function imagePatterns(root: YNode): { scalar: YScalar; ancestors: string[] }[] {
  const out: { scalar: YScalar; ancestors: string[] }[] = [];
  const visit = (node: YNode | null, ancestors: string[], depth: number): void => {
    if (node === null || depth > 100) return;
    if (node.kind === 'seq') for (const item of node.items) visit(item, ancestors, depth + 1);
    if (node.kind !== 'map') return;
    for (const pair of node.items) {
      if (pair.key.kind !== 'scalar' || typeof pair.key.value !== 'string') continue;
      const name = fieldName(pair.key.value);
      const value = pair.value;
      if (name === 'image' && value !== null && value.kind === 'scalar' && typeof value.value === 'string') out.push({ scalar: value, ancestors });
      else visit(value, [...ancestors, name], depth + 1);
    }
  };
  visit(root, [], 0);
  return out;
}

function fieldName(key: string): string {
  const anchored = /^[+<=X^]?\((.+)\)$/.exec(key);
  return anchored === null ? key : anchored[1];
}
