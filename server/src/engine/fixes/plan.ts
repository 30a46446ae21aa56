// The preferred fix for every failing image of one file, as non-overlapping absolute edits: what the CLI's
// `fix`, the editor's "Fix all" and the workspace-wide fix apply.
import type { CatalogOptions, TextEdit } from '../catalog';
import type { ParsedDocument, YamlFile } from '../yaml/model';
import { updateYamlFile } from '../yaml/model';
import { checkedCandidates, type CheckedCandidate, type CheckedImage, type FileAnalyzer } from './check';
import { overlappingEdits, sortEdits } from './edits';
import { imageSites, type ImageSite, type SkippedImage } from './sites';

export interface PlannedFix {
  site: ImageSite;
  /** The candidate applied (preferred: the one right answer among those that pass). */
  candidate: CheckedCandidate;
  /** Same as candidate.edit: absolute offsets in the file. */
  edit: TextEdit;
}

export interface FixPlan {
  /** Sorted, non-overlapping, absolute offsets into yaml.text. */
  edits: TextEdit[];
  fixes: PlannedFix[];
  /** Failing images left as they are, with the reason (no candidate passes, several do, alias, ...). */
  skipped: SkippedImage[];
}

export interface FixOptions {
  catalog?: CatalogOptions;
  /** Reuses checks between calls (the editor asks for the same images again and again). */
  cache?: FixCache;
}

/**
 * Checks between requests, per ParsedDocument (which is shared between file versions as long as that YAML
 * document's text is unchanged). `generation` must change whenever the policies or the catalog options do.
 */
export class FixCache {
  private readonly byDocument = new WeakMap<ParsedDocument, Map<string, Omit<CheckedImage, 'site'>>>();

  constructor(readonly generation: string) {}

  checked(analyzer: FileAnalyzer, file: string, yaml: YamlFile, site: ImageSite, catalog: CatalogOptions | undefined): CheckedImage {
    const document = yaml.documents[site.documentIndex];
    if (document === undefined) return checkedCandidates(analyzer, file, yaml, site, catalog);
    let entries = this.byDocument.get(document.parsed);
    if (entries === undefined) {
      entries = new Map();
      this.byDocument.set(document.parsed, entries);
    }
    const key = `${site.start - document.start}:${site.end - document.start}`;
    const hit = entries.get(key);
    if (hit !== undefined) return { ...shift(hit, document.start), site };
    const fresh = checkedCandidates(analyzer, file, yaml, site, catalog);
    entries.set(key, shift({ candidates: fresh.candidates, rejected: fresh.rejected, notes: fresh.notes, ...(fresh.error !== undefined ? { error: fresh.error } : {}) }, -document.start));
    return fresh;
  }
}

function shift(checked: Omit<CheckedImage, 'site'>, delta: number): Omit<CheckedImage, 'site'> {
  return {
    ...checked,
    candidates: checked.candidates.map((c) => ({ ...c, edit: { ...c.edit, start: c.edit.start + delta, end: c.edit.end + delta } })),
  };
}

/** Checks every failing image of `yaml` (analysed as `file`) and picks each one's preferred rewrite. */
export function planFixes(analyzer: FileAnalyzer, file: string, yaml: YamlFile, options: FixOptions = {}): FixPlan {
  const analysis = analyzer.analyze(file, yaml);
  const { sites, skipped } = imageSites(yaml, analysis.findings);
  const fixes: PlannedFix[] = [];
  for (const site of sites) {
    const checked = options.cache?.checked(analyzer, file, yaml, site, options.catalog) ?? checkedCandidates(analyzer, file, yaml, site, options.catalog);
    const choice = preferredFix(checked);
    if ('skip' in choice) skipped.push({ image: site.image, start: site.start, end: site.end, reason: choice.skip });
    else fixes.push({ site, candidate: choice.fix, edit: choice.fix.edit });
  }
  const kept = keepWorkingTogether(analyzer, file, yaml, fixes, skipped);
  const edits = sortEdits(kept.map((f) => f.edit));
  // Different scalars never share text; should that ever break, applying nothing beats applying a mix.
  if (overlappingEdits(edits) !== undefined) {
    for (const f of kept) skipped.push({ image: f.site.image, start: f.site.start, end: f.site.end, reason: 'internal error: rewrites overlap' });
    return { edits: [], fixes: [], skipped: skipped.sort((a, b) => a.start - b.start) };
  }
  return { edits, fixes: kept.sort((a, b) => a.site.start - b.site.start), skipped: skipped.sort((a, b) => a.start - b.start) };
}

/** The candidate to apply without asking, or why there is none. */
export function preferredFix(checked: CheckedImage): { fix: CheckedCandidate } | { skip: string } {
  if (checked.error !== undefined) return { skip: checked.error };
  const preferred = checked.candidates.filter((c) => c.preferred);
  if (preferred.length === 1) return { fix: preferred[0] };
  if (checked.candidates.length > 1) {
    return { skip: `several rewrites pass and none is clearly right (${checked.candidates.map((c) => c.image).join(', ')}); pick one with the quick fix` };
  }
  if (checked.rejected.length > 0) {
    return { skip: checked.rejected.map((r) => `${r.candidate.image}: ${r.reason}`).join('; ') };
  }
  const note = checked.notes.find((n) => n.target === undefined) ?? checked.notes[0];
  return { skip: note?.reason ?? 'no known mirror or replacement for this image; allow its registry in the policy instead' };
}

/**
 * Each rewrite was checked on its own; applied together they must still pass. A rewrite that fails next to
 * the others is dropped (and the rest checked again), which takes a few rounds at most.
 */
function keepWorkingTogether(analyzer: FileAnalyzer, file: string, yaml: YamlFile, fixes: PlannedFix[], skipped: SkippedImage[]): PlannedFix[] {
  let kept = fixes;
  for (let round = 0; round < 4 && kept.length > 1; round++) {
    let next = yaml;
    // Apply from the end so that earlier offsets stay valid; remember where each new image lands.
    const landing = new Map<PlannedFix, { start: number; end: number }>();
    const ordered = [...kept].sort((a, b) => b.edit.start - a.edit.start);
    for (const fix of ordered) next = updateYamlFile(next, { start: fix.edit.start, end: fix.edit.end, text: fix.edit.newText });
    let delta = 0;
    for (const fix of [...ordered].reverse()) {
      const start = fix.edit.start + delta;
      landing.set(fix, { start, end: start + fix.edit.newText.length });
      delta += fix.edit.newText.length - (fix.edit.end - fix.edit.start);
    }
    const findings = analyzer.analyze(file, next).findings;
    const failing = kept.filter((fix) => {
      const at = landing.get(fix)!;
      return findings.some((f) => f.start === at.start && f.end === at.end);
    });
    if (failing.length === 0) return kept;
    for (const fix of failing) {
      skipped.push({ image: fix.site.image, start: fix.site.start, end: fix.site.end, reason: `${fix.candidate.image} passes on its own but not together with the file's other rewrites` });
    }
    kept = kept.filter((fix) => !failing.includes(fix));
  }
  return kept;
}
