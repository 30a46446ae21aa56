/**
 * Hover on a container image: how the reference parses (engine/image) and what every policy rule that matched
 * the resource decided (from the FileAnalysis results). No policy logic here, only presentation.
 */
import { MarkupKind, type Hover } from 'vscode-languageserver-protocol';
import type { FileAnalysis } from '../engine/analysis';
import type { RuleResult } from '../engine/policy/types';
import type { YamlDocument, YNode, YScalar } from '../engine/yaml/model';
import { getImageInfo } from '../engine/image/imageInfo';
import { parseImageReference } from '../engine/image/reference';
import type { OpenDocument } from './documents';
import type { PolicySourceLocator } from './diagnostics';

export interface ImageAtOffset {
  document: YamlDocument;
  scalar: YScalar;
  image: string;
  /** Absolute offsets of the image text (inside quotes). */
  start: number;
  end: number;
}

const IMAGE_KEY = 'image';

/** The `image:` scalar under the offset (absolute, in the file), if any. */
export function imageAt(doc: OpenDocument, offset: number): ImageAtOffset | undefined {
  const document = doc.yaml.documents.find((d) => d.start <= offset && offset <= d.end);
  if (document === undefined) return undefined;
  const scalar = findImageScalar(document.parsed.contents, offset - document.start);
  if (scalar === undefined || typeof scalar.value !== 'string' || scalar.value === '') return undefined;
  return { document, scalar, image: scalar.value, start: document.start + scalar.valueStart, end: document.start + scalar.valueEnd };
}

function findImageScalar(node: YNode | null, offset: number): YScalar | undefined {
  if (node === null || offset < node.start || offset > node.end) return undefined;
  if (node.kind === 'map') {
    for (const pair of node.items) {
      const value = pair.value;
      if (value === null) continue;
      if (value.kind === 'scalar' && pair.key.kind === 'scalar' && pair.key.value === IMAGE_KEY) {
        if (offset >= value.valueStart && offset <= value.valueEnd) return value;
        continue;
      }
      const found = findImageScalar(value, offset);
      if (found !== undefined) return found;
    }
  } else if (node.kind === 'seq') {
    for (const item of node.items) {
      const found = findImageScalar(item, offset);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

export function imageHover(doc: OpenDocument, offset: number, analysis: FileAnalysis, sources: PolicySourceLocator): Hover | undefined {
  if (analysis.kind !== 'manifest') return undefined;
  const hit = imageAt(doc, offset);
  if (hit === undefined) return undefined;
  const lines: string[] = [`**Image** \`${hit.image}\``, ''];
  lines.push(...referenceLines(hit.image), '');

  const results = analysis.results.filter((r) => r.resource.documentIndex === hit.document.index);
  if (results.length === 0) {
    lines.push('No Kyverno policy rule in effect matches this resource.');
  } else {
    const resource = results[0].resource;
    lines.push(`**Kyverno rules for ${resource.kind} ${resource.name || '(unnamed)'}**`, '');
    for (const result of results) lines.push(`- ${ruleLine(result, hit, sources)}`);
  }
  return {
    contents: { kind: MarkupKind.Markdown, value: lines.join('\n') },
    range: { start: doc.document.positionAt(hit.start), end: doc.document.positionAt(hit.end) },
  };
}

function referenceLines(image: string): string[] {
  const parsed = parseImageReference(image);
  if ('error' in parsed) return [`Not a valid image reference: ${parsed.error}`];
  const info = getImageInfo(image);
  if ('error' in info) return [`Kyverno cannot read this image reference: ${info.error}`];
  const cell = (v: string | undefined, implied = false) =>
    v === undefined || v === '' ? '—' : implied ? `\`${v}\` (implied)` : `\`${v}\``;
  return [
    '| | |',
    '|---|---|',
    `| Registry | ${cell(info.registry, parsed.domain === '')} |`,
    `| Repository | ${cell(info.path)} |`,
    `| Tag | ${cell(info.tag, parsed.tag === undefined)} |`,
    `| Digest | ${cell(info.digest)} |`,
    `| As Kyverno sees it | ${cell(info.reference)} |`,
  ];
}

function ruleLine(result: RuleResult, hit: ImageAtOffset, sources: PolicySourceLocator): string {
  let name = `\`${result.policy}\` / \`${result.rule}\``;
  if (result.ruleSource !== undefined) {
    const location = sources.locate(result.ruleSource.file, result.ruleSource.start, result.ruleSource.end);
    if (location !== undefined) name = `[${name}](${location.uri}#L${location.range.start.line + 1})`;
  }
  return `${name}: ${verdict(result, hit)}`;
}

function verdict(result: RuleResult, hit: ImageAtOffset): string {
  const consequence = result.action === 'Enforce' ? 'Enforce: admission would block it' : 'Audit: admission allows it, the violation is reported';
  switch (result.status) {
    case 'pass':
      return `passes (${result.action})`;
    case 'skip':
      return `skipped (${result.action})`;
    case 'error':
      return `**error** (${consequence}): ${result.message}`;
    case 'fail': {
      const images = result.violations.filter((v) => v.start !== v.end);
      if (images.length > 0 && !images.some((v) => v.start <= hit.start && hit.end <= v.end)) {
        return `passes for this image; fails for another image of the resource (${result.action})`;
      }
      return `**fails** (${consequence})`;
    }
  }
}
