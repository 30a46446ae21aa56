// Registry-specific lints over the image patterns of validate rules: containers checked without
// initContainers / ephemeralContainers, registry hosts that admit look-alikes, `docker.io/...` patterns that
// never see Docker Hub's short names, alternatives that can never match or that another one already covers.
// Every fix keeps the policy's intent and only tightens or completes it (see each function).
import type { ParsedDocument, YMap, YNode, YScalar } from '../yaml/model';
import type { PolicyProblem, TextEdit } from './types';
import type { PolicyDocumentInfo } from './classify';
import { asMap, asScalar, asSeq, at, column, contentEnd, deref, entries, eol, isVerbatim, lineStart, nextLineStart, type Entry } from './tree';
import { parseAnchor, fieldName } from './anchors';
import { startsLine } from './edits';
import { covers, intersects, splitAlternatives, type Alternative } from './wildcardSets';
import { wildcardMatch } from '../pattern';
import { parseImageReference } from '../image';

const POD_CONTAINER_LISTS = ['initContainers', 'ephemeralContainers'] as const;

export function registryLints(doc: ParsedDocument, info: PolicyDocumentInfo): PolicyProblem[] {
  if (!info.isRulePolicy) return [];
  const out: PolicyProblem[] = [];
  const rules = asSeq(at(doc.contents, ['spec', 'rules']))?.items ?? [];
  for (let i = 0; i < rules.length; i++) {
    const validate = asMap(at(doc.contents, ['spec', 'rules', i, 'validate']));
    if (validate === null) continue;
    const patterns: YNode[] = [];
    const pattern = at(validate, ['pattern']);
    if (pattern !== null) patterns.push(pattern);
    for (const item of asSeq(at(validate, ['anyPattern']))?.items ?? []) patterns.push(item);
    const foreach = asSeq(at(validate, ['foreach']));
    if (foreach !== null) collectForeachPatterns(foreach.items, patterns);
    for (const p of patterns) {
      containerCoverage(doc, p, out);
      for (const leaf of imageLeaves(p)) imagePatternLints(doc, leaf, out);
    }
    if (foreach !== null) foreachCoverage(doc, foreach.items, out);
  }
  return out;
}

function collectForeachPatterns(items: YNode[], into: YNode[]): void {
  for (const item of items) {
    const m = asMap(item);
    if (m === null) continue;
    const p = at(m, ['pattern']);
    if (p !== null) into.push(p);
    for (const a of asSeq(at(m, ['anyPattern']))?.items ?? []) into.push(a);
    const nested = asSeq(at(m, ['foreach']));
    if (nested !== null) collectForeachPatterns(nested.items, into);
  }
}

interface ImageLeaf { key: YScalar; value: YScalar }

/** Every `image:` (or anchored `(image)`, `=(image)`...) string in a pattern tree. */
function imageLeaves(root: YNode): ImageLeaf[] {
  const out: ImageLeaf[] = [];
  const visit = (node: YNode | null, depth: number): void => {
    const n = deref(node);
    if (n === null || depth > 100) return;
    if (n.kind === 'map') {
      for (const e of entries(n)) {
        if (e.merged) continue;
        const v = asScalar(e.value);
        if (fieldName(e.key) === 'image' && v !== null && typeof v.value === 'string') out.push({ key: e.keyNode, value: v });
        else visit(e.value, depth + 1);
      }
    } else if (n.kind === 'seq') {
      for (const item of n.items) visit(item, depth + 1);
    }
  };
  visit(root, 0);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// containers without initContainers / ephemeralContainers

/**
 * A pattern map that constrains `containers[].image` but has no `initContainers` / `ephemeralContainers`
 * key lets a Pod run any image as an init or ephemeral container (the EKS workshop policy). The fix adds
 * `=(initContainers)` and `=(ephemeralContainers)` (equality anchors: checked when present, §2.3) with
 * the same image pattern, written exactly like the containers item.
 */
function containerCoverage(doc: ParsedDocument, root: YNode, out: PolicyProblem[]): void {
  const visit = (node: YNode | null, depth: number): void => {
    const n = deref(node);
    if (n === null || depth > 100) return;
    if (n.kind === 'seq') { for (const item of n.items) visit(item, depth + 1); return; }
    if (n.kind !== 'map') return;
    const list = entries(n).filter((e) => !e.merged);
    const containers = list.find((e) => fieldName(e.key) === 'containers');
    const image = containers === undefined ? undefined : containerImage(containers);
    if (containers !== undefined && image !== undefined && ['', '='].includes(parseAnchor(containers.key)?.modifier ?? '')) {
      const missing = POD_CONTAINER_LISTS.filter((name) => !list.some((e) => fieldName(e.key) === name));
      if (missing.length > 0) {
        const fix = addContainerListsFix(doc, n, containers, image, missing);
        out.push({
          severity: 'warning', code: 'registry-containers-only', start: containers.keyNode.start, end: containers.keyNode.end,
          message: `This pattern checks the image of \`containers\` (\`${image.value.value}\`) but not of ${missing.map((m) => `\`${m}\``).join(' or ')}: a Pod can still run an image this rule would reject as ${missing.length > 1 ? 'an init or ephemeral' : missing[0] === 'initContainers' ? 'an init' : 'an ephemeral'} container. Add ${missing.map((m) => `\`=(${m})\``).join(' and ')} with the same image pattern.`,
          ...(fix ? { fix } : {}),
        });
      }
    }
    for (const e of list) visit(e.value, depth + 1);
  };
  visit(root, 0);
}

/** The `image` entry of the first item of a `containers` pattern list (Kyverno uses only that item, §2.4). */
function containerImage(containers: Entry): { item: YMap; image: Entry; value: YScalar } | undefined {
  const seq = asSeq(containers.value);
  const item = asMap(seq?.items[0] ?? null);
  if (item === null) return undefined;
  const image = entries(item).find((e) => !e.merged && fieldName(e.key) === 'image');
  const value = asScalar(image?.value ?? null);
  if (image === undefined || value === null || typeof value.value !== 'string') return undefined;
  return { item, image, value };
}

function addContainerListsFix(doc: ParsedDocument, map: YMap, containers: Entry, found: { item: YMap; image: Entry; value: YScalar }, missing: readonly string[]): PolicyProblem['fix'] {
  const text = doc.text;
  if (map.flow || !startsLine(text, containers.keyNode.start, true)) return undefined;
  const seq = asSeq(containers.value);
  if (seq === null) return undefined;
  const valueText = text.slice(found.value.start, found.value.end);
  if (/[\r\n]/.test(valueText)) return undefined;
  const keyText = text.slice(found.image.keyNode.start, found.image.keyNode.end);
  const keyColumn = column(text, containers.keyNode.start);
  let dashColumn = keyColumn + 2;
  let gap = 1;
  if (!seq.flow) {
    dashColumn = column(text, seq.start);
    const firstKey = deref(found.item.items[0]?.key ?? null);
    if (firstKey !== null && lineStart(text, firstKey.start) === lineStart(text, seq.start)) gap = Math.max(1, column(text, firstKey.start) - dashColumn - 1);
  }
  const nl = eol(text);
  const lines = missing.flatMap((name) => [
    `${' '.repeat(keyColumn)}=(${name}):`,
    `${' '.repeat(dashColumn)}-${' '.repeat(gap)}${keyText}: ${valueText}`,
  ]);
  const end = contentEnd(text, containers.value as YNode);
  const insertAt = nextLineStart(text, end);
  const atEndWithoutBreak = insertAt === text.length && !/[\r\n]$/.test(text);
  const newText = atEndWithoutBreak ? nl + lines.join(nl) : lines.join(nl) + nl;
  return { title: `Also check ${missing.join(' and ')} (add ${missing.map((m) => `=(${m})`).join(', ')})`, edits: [{ start: insertAt, end: insertAt, newText }], preferred: true };
}

/**
 * foreach over `request.object.spec.containers` only. The fix widens the list the way the Kyverno library
 * does (`spec.[ephemeralContainers, initContainers, containers][]`; missing lists are null and skipped).
 */
function foreachCoverage(doc: ParsedDocument, items: YNode[], out: PolicyProblem[]): void {
  const lists = items.map((item) => asScalar(at(item, ['list'])));
  const all = lists.map((l) => (typeof l?.value === 'string' ? l.value : '')).join(' ');
  const coversOthers = POD_CONTAINER_LISTS.every((name) => all.includes(name));
  if (coversOthers) return;
  for (const list of lists) {
    if (list === null || typeof list.value !== 'string') continue;
    const m = /^\s*(request\.object\.spec(?:\.template\.spec|\.jobTemplate\.spec\.template\.spec)?)\.containers\s*$/.exec(list.value);
    if (m === null) continue;
    const widened = `${m[1]}.[ephemeralContainers, initContainers, containers][]`;
    const edit: TextEdit | undefined = isVerbatim(doc, list) && !/["\\]/.test(widened) ? { start: list.valueStart, end: list.valueEnd, newText: widened } : undefined;
    out.push({
      severity: 'warning', code: 'registry-containers-only', start: list.start, end: list.end,
      message: 'This foreach only visits `containers`: images of `initContainers` and `ephemeralContainers` are never checked. Iterate over all three lists.',
      ...(edit ? { fix: { title: `Iterate over ${widened}`, edits: [edit], preferred: true } } : {}),
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// image pattern strings

function imagePatternLints(doc: ParsedDocument, leaf: ImageLeaf, out: PolicyProblem[]): void {
  const pattern = leaf.value.value as string;
  const alternatives = splitAlternatives(pattern);
  const verbatim = isVerbatim(doc, leaf.value);
  const rangeOf = (a: { start: number; end: number }): { start: number; end: number } =>
    verbatim && a.end > a.start ? { start: leaf.value.valueStart + a.start, end: leaf.value.valueStart + a.end } : { start: leaf.value.start, end: leaf.value.end };
  const replace = (a: { start: number; end: number }, newText: string): TextEdit[] | undefined =>
    verbatim && !(leaf.value.style === 'double' && /["\\]/.test(newText)) && !(leaf.value.style === 'single' && newText.includes("'"))
      && !(leaf.value.style === 'plain' && /(^[-?:,[\]{}#&*!|>'"%@`])|(: )|( #)/.test(pattern.slice(0, a.start) + newText + pattern.slice(a.end)))
      ? [{ start: leaf.value.valueStart + a.start, end: leaf.value.valueStart + a.end, newText }] : undefined;

  alternatives.forEach((alt) => {
    if (alt.parts.length !== 1) return;
    const part = alt.parts[0];
    if (part.operator === 'Equal') {
      lookalikeHost(alt, rangeOf(alt), replace, out);
      dockerHubPrefix(alt, false, alternatives, rangeOf(alt), replace, out);
      separatorTypo(alt, rangeOf(alt), replace, out);
    } else if (part.operator === 'NotEqual') {
      dockerHubPrefix(alt, true, alternatives, rangeOf(alt), replace, out);
    }
  });
  neverMatching(alternatives, rangeOf, out);
  redundantAlternatives(alternatives, pattern, rangeOf, replace, out);
}

type Replace = (a: { start: number; end: number }, newText: string) => TextEdit[] | undefined;

/**
 * `public.ecr.aws*` (no `/` after the host) also matches `public.ecr.aws.evil.example/x`; a `*` inside the
 * host part (`*.dkr.ecr.*.amazonaws.com/*`) can even span a `/` and match `evil.example/a.dkr.ecr...`.
 * Each case is confirmed with a concrete look-alike image that the pattern matches.
 */
function lookalikeHost(alt: Alternative, range: { start: number; end: number }, replace: Replace, out: PolicyProblem[]): void {
  const p = alt.text;
  const slash = p.indexOf('/');
  const host = slash < 0 ? p : p.slice(0, slash);
  if (!host.includes('*')) return;
  const hostBody = host.replace(/\*+$/, '');
  const literalHost = hostBody.replace(/[*?]/g, '');
  // Only patterns that name a registry host: a dotted name, localhost, or a host:port.
  if (!/[A-Za-z0-9-]\.[A-Za-z0-9-]/.test(literalHost) && !/^localhost\b/.test(literalHost) && !/[A-Za-z0-9]:\d+$/.test(hostBody)) return;
  if (/[@]/.test(host)) return;
  const example = lookalikeExample(p);
  if (example === undefined) return;
  if (slash < 0 && /^[^*?]+\*+$/.test(p) && !/:/.test(hostBody.replace(/:\d+$/, ''))) {
    const fixed = `${hostBody}/*`;
    const edits = replace(alt, fixed);
    out.push({
      severity: 'warning', code: 'registry-lookalike-host', ...range,
      message: `\`${p}\` has no \`/\` after the registry host, so it also matches look-alike registries such as \`${example}\`. Use \`${fixed}\`.`,
      ...(edits ? { fix: { title: `Change to ${fixed}`, edits, preferred: true } } : {}),
    });
    return;
  }
  out.push({
    severity: 'warning', code: 'registry-lookalike-host', ...range,
    message: `The \`*\` in the registry host of \`${p}\` matches any characters, \`/\` included, so images from other registries match too, e.g. \`${example}\`. List the hosts explicitly.`,
  });
}

/** A look-alike image the pattern matches whose registry is a host the author did not mean. */
function lookalikeExample(p: string): string | undefined {
  const stars: number[] = [];
  for (let i = 0; i < p.length; i++) if (p[i] === '*') stars.push(i);
  const slash = p.indexOf('/');
  for (const s of stars) {
    if (slash >= 0 && s > slash) break;
    for (const insert of ['.evil.example/x', 'evil.example/x']) {
      const candidate = (p.slice(0, s) + insert + p.slice(s + 1)).replace(/\*/g, 'x').replace(/\?/g, 'x');
      if (!wildcardMatch(p, candidate)) continue;
      const ref = parseImageReference(candidate);
      if (!('error' in ref) && ref.domain.includes('evil.example')) return candidate;
    }
  }
  return undefined;
}

/**
 * Kyverno compares the image string as written (§1.5): `docker.io/...` never matches `nginx` or
 * `bitnami/redis`. The fix adds the short form where one is exact: `docker.io/<org>/...` ⇒ `<org>/...`
 * (a first component without `.`/`:` is always Docker Hub), `docker.io/library/<name>` ⇒ `<name>` only for
 * a literal name (a wildcard there would also admit `<name>:5000/...` on another registry).
 */
function dockerHubPrefix(alt: Alternative, negated: boolean, all: Alternative[], range: { start: number; end: number }, replace: Replace, out: PolicyProblem[]): void {
  const body = negated ? alt.parts[0].operand : alt.text;
  const m = /^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\/(.*)$/.exec(body);
  if (m === null) return;
  const rest = m[1];
  if (negated) {
    out.push({
      severity: 'warning', code: 'registry-docker-hub-prefix', ...range,
      message: `Kyverno compares the image exactly as written: \`!${body}\` does not reject Docker Hub images written without the registry, such as \`nginx\` or \`bitnami/redis\`.`,
    });
    return;
  }
  const shortForms: string[] = [];
  const first = rest.split('/')[0];
  const literalOrg = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(first) && !first.includes('.') && rest.includes('/');
  if (first === 'library' && literalOrg) {
    shortForms.push(rest);
    const name = rest.slice('library/'.length);
    if (!/[*?]/.test(name) && name !== '') shortForms.push(name);
  } else if (literalOrg) {
    shortForms.push(rest);
  }
  // Already written next to it (or covered by another alternative): nothing to add.
  if (shortForms.length > 0 && shortForms.every((f) => all.some((a) => a !== alt && a.parts.length === 1 && a.parts[0].operator === 'Equal' && covers(a.text, f)))) return;
  const example = first === 'library' || !rest.includes('/') ? 'nginx' : `${first}/${rest.split('/')[1]?.replace(/[*?].*$/, '') || 'app'}`;
  const addition = shortForms.length > 0 ? `${alt.text} | ${shortForms.join(' | ')}` : undefined;
  const edits = addition !== undefined ? replace(alt, addition) : undefined;
  out.push({
    severity: 'warning', code: 'registry-docker-hub-prefix', ...range,
    message: `Kyverno compares the image exactly as written: \`${body}\` does not match Docker Hub images written without the registry, such as \`${example}\`${shortForms.length > 0 ? `. Also allow ${shortForms.map((s) => `\`${s}\``).join(' and ')}.` : '; list the short names you mean to allow as extra `|` alternatives.'}`,
    ...(edits ? { fix: { title: `Also allow ${shortForms.join(' and ')}`, edits, preferred: true } } : {}),
  });
}

/** `a/*, b/*` or `a/* b/*`: image references contain neither `,` nor spaces; `|` separates alternatives. */
function separatorTypo(alt: Alternative, range: { start: number; end: number }, replace: Replace, out: PolicyProblem[]): void {
  if (!/[,\s]/.test(alt.text)) return;
  const pieces = alt.text.split(/\s*,\s*|\s+/).filter((x) => x !== '');
  const fixed = pieces.join(' | ');
  const edits = pieces.length > 1 ? replace(alt, fixed) : undefined;
  out.push({
    severity: 'warning', code: 'registry-never-matches', ...range,
    message: `\`${alt.text}\` can never match an image: image references contain no ${alt.text.includes(',') ? 'commas' : 'spaces'}. Kyverno separates alternatives with \`|\`${pieces.length > 1 ? `: \`${fixed}\`` : ''}.`,
    ...(edits ? { fix: { title: `Separate with |: ${fixed}`, edits, preferred: false } } : {}),
  });
}

/** `a/* & b/*`: conjunctions whose positive parts have no string in common. */
function neverMatching(alternatives: Alternative[], rangeOf: (a: { start: number; end: number }) => { start: number; end: number }, out: PolicyProblem[]): void {
  for (const alt of alternatives) {
    const positives = alt.parts.filter((p) => p.operator === 'Equal').map((p) => p.text);
    if (alt.parts.length < 2 || positives.length < 2) continue;
    if (!intersects(positives)) {
      out.push({
        severity: 'warning', code: 'registry-never-matches', ...rangeOf(alt),
        message: `\`${alt.text}\` can never match: no image matches ${positives.map((p) => `\`${p}\``).join(' and ')} at the same time (\`&\` requires every part).`,
      });
    }
  }
}

/** An alternative another alternative already covers (`public.ecr.aws/* | public.ecr.aws/nginx/*`). */
function redundantAlternatives(alternatives: Alternative[], pattern: string, rangeOf: (a: { start: number; end: number }) => { start: number; end: number }, replace: Replace, out: PolicyProblem[]): void {
  if (alternatives.length < 2) return;
  const simple = (a: Alternative): boolean => a.parts.length === 1 && a.parts[0].operator === 'Equal';
  const removed = new Set<number>();
  alternatives.forEach((alt, j) => {
    if (!simple(alt)) return;
    const by = alt.text === '' ? alternatives.findIndex((other) => other.text !== '')
      : alternatives.findIndex((other, i) => i !== j && !removed.has(i) && simple(other)
      && (alt.text === other.text ? i < j : covers(other.text, alt.text)));
    if (by < 0) return;
    removed.add(j);
    // Remove the alternative together with the `|` that separates it from its neighbour.
    const prevBar = pattern.lastIndexOf('|', alt.start - 1);
    const nextBar = pattern.indexOf('|', alt.end);
    const span = j > 0 && prevBar >= 0
      ? { start: trimLeft(pattern, prevBar), end: alt.end }
      : { start: alt.start, end: nextBar >= 0 ? trimRight(pattern, nextBar + 1) : alt.end };
    const edits = replace(span, '');
    const other = alternatives[by].text;
    out.push({
      severity: 'hint', code: 'registry-redundant-alternative', ...rangeOf(alt),
      message: alt.text === '' ? 'This empty alternative (a stray `|`) matches only an empty image; remove it.'
        : alt.text === other
        ? `\`${alt.text}\` is listed twice.`
        : `\`${alt.text}\` is already covered by \`${other}\`: every image it matches, \`${other}\` matches too.`,
      ...(edits ? { fix: { title: `Remove ${alt.text === '' ? 'the empty alternative' : alt.text}`, edits, preferred: true } } : {}),
    });
  });
}

function trimLeft(text: string, index: number): number {
  let i = index;
  while (i > 0 && text[i - 1] === ' ') i--;
  return i;
}

function trimRight(text: string, index: number): number {
  let i = index;
  while (i < text.length && text[i] === ' ') i++;
  return i;
}

