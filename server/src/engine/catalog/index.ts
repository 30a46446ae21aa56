// engine/catalog: the versioned rewrite catalog to Amazon ECR Public (data with cited sources) and the
// planning of rewrites and of the text edits that apply them.
import { CATALOG } from './data/catalog';
import type { Catalog, CatalogEntry, CatalogSource } from './model';

export type {
  Catalog, CatalogEntry, CatalogMapping, CatalogOptionProblem, CatalogOptions, CatalogSource, ForbiddenTargetEntry,
  NamespaceEntry, OfficialMirrorEntry, PublisherEntry, PullThroughCacheOptions, PullThroughUpstream, RewriteCandidate,
  RewriteNote, RewritePlan, TagMapEntry, TextEdit,
} from './model';
export { planRewrite, rewriteCandidates } from './candidates';
export { rankCandidates } from './rank';
export { rewriteImageEdit } from './edit';
export { validateCatalogOptions } from './options';

/** The catalog's entries (frozen), for an "add a mapping" command and for generated documentation. */
export function catalogEntries(): readonly CatalogEntry[] {
  return CATALOG.entries;
}

/** Version, check date and sources of the catalog (frozen). */
export function catalogInfo(): { version: string; checked: string; sources: readonly CatalogSource[] } {
  return { version: CATALOG.version, checked: CATALOG.checked, sources: CATALOG.sources };
}

/** The whole catalog (frozen). */
export function catalog(): Catalog {
  return CATALOG;
}
