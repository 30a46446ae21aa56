// The image scalars that findings point at: one site per scalar, with every finding on it.
import type { Finding } from '../analysis';
import type { YamlFile, YNode, YScalar } from '../yaml/model';

export interface ImageSite {
  /** The image as written (the scalar's value). */
  image: string;
  /** Absolute offsets of the image text in the file (inside quotes). */
  start: number;
  end: number;
  documentIndex: number;
  /** Every failing finding on this image, all policies. */
  findings: Finding[];
}

/** An image Registry Guard will not rewrite, and why. Offsets are absolute. */
export interface SkippedImage {
  image: string;
  start: number;
  end: number;
  reason: string;
}

/**
 * Groups image findings by the scalar they point at. Findings without an image (a rule that errors for the
 * whole resource) have no site. Images written as aliases are skipped: rewriting the anchored value would
 * change every place that uses it.
 */
export function imageSites(yaml: YamlFile, findings: readonly Finding[]): { sites: ImageSite[]; skipped: SkippedImage[] } {
  const sites = new Map<string, ImageSite>();
  const skipped = new Map<string, SkippedImage>();
  for (const finding of findings) {
    if (finding.image === undefined) continue;
    const key = `${finding.start}:${finding.end}`;
    const known = sites.get(key);
    if (known !== undefined) {
      known.findings.push(finding);
      continue;
    }
    if (skipped.has(key)) continue;
    const document = yaml.documents.find((d) => d.start <= finding.start && finding.end <= d.end);
    const node = document === undefined ? undefined : nodeWithValueRange(document.parsed.contents, finding.start - document.start, finding.end - document.start);
    if (document === undefined || node === undefined) {
      skipped.set(key, { image: finding.image, start: finding.start, end: finding.end, reason: 'the image could not be found in the text' });
    } else if (node.kind === 'alias') {
      skipped.set(key, { image: finding.image, start: finding.start, end: finding.end, reason: `the image is written as the alias *${node.name}; rewrite its anchored value by hand` });
    } else if (typeof node.value !== 'string') {
      skipped.set(key, { image: finding.image, start: finding.start, end: finding.end, reason: 'the image is not a string' });
    } else {
      sites.set(key, { image: node.value, start: finding.start, end: finding.end, documentIndex: document.index, findings: [finding] });
    }
  }
  const byStart = (a: { start: number }, b: { start: number }) => a.start - b.start;
  return { sites: [...sites.values()].sort(byStart), skipped: [...skipped.values()].sort(byStart) };
}

/**
 * The scalar whose own text (inside quotes) is exactly [start, end), or an alias written exactly there;
 * offsets relative to the document. Aliases are not followed: an alias's target sits elsewhere.
 */
export function nodeWithValueRange(root: YNode | null, start: number, end: number): YScalar | Extract<YNode, { kind: 'alias' }> | undefined {
  const pending: YNode[] = root === null ? [] : [root];
  let visited = 0;
  while (pending.length > 0 && visited++ < 1_000_000) {
    const node = pending.pop()!;
    if (node.start > end || node.end < start) continue;
    switch (node.kind) {
      case 'scalar':
        if (node.valueStart === start && node.valueEnd === end) return node;
        break;
      case 'alias':
        if (node.start === start && node.end === end) return node;
        break;
      case 'seq':
        pending.push(...node.items);
        break;
      case 'map':
        for (const pair of node.items) {
          pending.push(pair.key);
          if (pair.value !== null) pending.push(pair.value);
        }
        break;
    }
  }
  return undefined;
}
