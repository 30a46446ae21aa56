// Rewrite planning: which images may replace a given one, and why the others may not.
// Targets come only from the catalog data, the user's mappings and the user's pull-through cache; a
// target is never made up from a naming pattern.
import { CATALOG } from './data/catalog';
import type {
  CatalogEntry, CatalogOptions, ForbiddenTargetEntry, OfficialMirrorEntry, PublisherEntry, PullThroughUpstream,
  RewriteCandidate, RewriteNote, RewritePlan, TagMapEntry,
} from './model';
import { compileOptions, PULL_THROUGH_UPSTREAMS, type CompiledMapping, type CompiledPullThrough } from './options';
import { DOCKER_HUB, formatImage, normalizeImage, normalizeRepository, repositoryOf, type NormalizedImage } from './reference';

const ECR_PUBLIC = 'public.ecr.aws';

/**
 * How sure a candidate is to be the same thing as the original, best first. `user`: the user's own
 * mapping; `cache`: the user's pull-through cache of the image's own registry; `mirror`: a byte-identical
 * copy; `alternative`: another build of the same software, never preferred on its own merit.
 */
type Fidelity = 'user' | 'cache' | 'mirror' | 'alternative';
const FIDELITY_ORDER: readonly Fidelity[] = ['user', 'cache', 'mirror', 'alternative'];

interface Draft {
  /** Repository of the candidate as it will be written. */
  repository: string;
  tag?: string;
  digest?: string;
  fidelity: Fidelity;
  /** The target holds the very same manifests, so a digest stays valid there. */
  keepsDigest: boolean;
  title: string;
  reason: string;
  sourceIds: readonly string[];
  /** Free-text citation for user mappings, which have no catalog source. */
  sourceText?: string;
  /** For catalog targets: the public.ecr.aws repository, also when it is reached through a cache. */
  publicRepository?: string;
}

export function rewriteCandidates(image: string, options?: CatalogOptions): RewriteCandidate[] {
  return planRewrite(image, options).candidates;
}

export function planRewrite(image: string, options?: CatalogOptions): RewritePlan {
  const notes: RewriteNote[] = [];
  const normalizedOrError = typeof image === 'string' ? normalizeImage(image) : { error: 'not a string' };
  if ('error' in normalizedOrError) {
    return { image, candidates: [], notes, error: `not an image reference: ${normalizedOrError.error}` };
  }
  const source = normalizedOrError;
  const compiled = compileOptions(options);
  for (const problem of compiled.problems) notes.push({ reason: `ignored option ${problem.path}: ${problem.message}` });

  const drafts: Draft[] = [];
  for (const mapping of compiled.mappings) {
    const draft = fromUserMapping(source, mapping, notes);
    if (draft) drafts.push(draft);
  }

  const builtIn = builtInDrafts(source, compiled.disabled, notes);
  if (compiled.pullThroughCache === undefined) {
    drafts.push(...builtIn);
  } else if (compiled.pullThroughCache === null) {
    notes.push({ reason: 'the pull-through cache settings are invalid, so no cache target is offered' });
  } else {
    drafts.push(...throughCache(source, builtIn, compiled.pullThroughCache, notes));
  }

  const candidates = finish(source, drafts, compiled.disabled, compiled.pullThroughCache, notes);
  if (candidates.length === 0 && notes.length === 0) {
    notes.push({ reason: 'no known mirror or replacement for this image; allow its registry in the policy instead' });
  }
  return { image, normalized: formatImage(repositoryOf(source), source.tag, source.digest), candidates, notes };
}

// ---------------------------------------------------------------------------------------------
// Built-in entries (public.ecr.aws targets)

function builtInDrafts(source: NormalizedImage, disabled: ReadonlySet<string>, notes: RewriteNote[]): Draft[] {
  const drafts: Draft[] = [];
  const repository = repositoryOf(source);
  let matched = false;
  for (const entry of CATALOG.entries) {
    const entryNotes: RewriteNote[] = [];
    const draft = draftFor(entry, source, repository, entryNotes);
    if (draft === undefined) continue;
    matched = true;
    if (disabled.has(entry.id)) {
      notes.push({ reason: `catalog entry "${entry.id}" is disabled by the settings` });
      continue;
    }
    notes.push(...entryNotes);
    if (draft) drafts.push({ ...draft, publicRepository: draft.repository });
  }
  if (!matched) explainNoEntry(source, notes);
  return drafts;
}

/** undefined: the entry does not concern this image; null: it does, but gives no target (a note says why). */
function draftFor(entry: CatalogEntry, source: NormalizedImage, repository: string, notes: RewriteNote[]): Draft | null | undefined {
  switch (entry.kind) {
    case 'official-mirror': return officialMirror(entry, source, notes);
    case 'publisher': return entry.from.includes(repository) ? publisher(entry, source, notes) : undefined;
    case 'tag-map': return entry.from === repository ? tagMap(entry, source, notes) : undefined;
    case 'namespace':
    case 'forbidden-target':
      return undefined;
  }
}

function officialMirror(entry: OfficialMirrorEntry, source: NormalizedImage, notes: RewriteNote[]): Draft | null | undefined {
  if (source.registry !== DOCKER_HUB || !source.repository.startsWith('library/')) return undefined;
  const name = source.repository.slice('library/'.length);
  if (!entry.images.includes(name)) {
    notes.push({
      reason: `"${name}" is not among the ${entry.images.length} Docker Official Images of catalog ${CATALOG.version}, so no docker/library mirror is offered`,
      source: citation(entry.sources.filter((id) => id === 'official-images-library')),
    });
    return null;
  }
  return {
    repository: `${entry.target}/${name}`,
    tag: source.tag,
    digest: source.digest,
    fidelity: 'mirror',
    keepsDigest: true,
    title: 'Docker Official Image mirror on Amazon ECR Public',
    reason: entry.reason,
    sourceIds: entry.sources,
  };
}

function publisher(entry: PublisherEntry, source: NormalizedImage, notes: RewriteNote[]): Draft | null {
  if (source.tag === undefined && source.digest !== undefined) {
    notes.push({ target: entry.to, reason: `${entry.to} is a separate build: the digest does not carry over and there is no tag to keep`, source: citation(entry.sources) });
    return null;
  }
  return {
    repository: entry.to,
    tag: source.tag,
    fidelity: 'alternative',
    keepsDigest: false,
    title: entry.title,
    reason: withDroppedDigest(entry.reason, source),
    sourceIds: entry.sources,
  };
}

function tagMap(entry: TagMapEntry, source: NormalizedImage, notes: RewriteNote[]): Draft | null {
  const known = Object.keys(entry.tags);
  if (source.tag === undefined && source.digest !== undefined) {
    notes.push({ target: entry.to, reason: `${entry.title} is mapped by tag, and this image is pinned by digest only`, source: citation(entry.sources) });
    return null;
  }
  const tag = source.tag ?? 'latest';
  if (!Object.prototype.hasOwnProperty.call(entry.tags, tag)) {
    notes.push({
      target: entry.to,
      reason: `no EKS Distro build is known for tag "${tag}" (known: ${known.join(', ')}); swapping only the registry would name an image that may not exist`,
      source: citation(entry.sources),
    });
    return null;
  }
  return {
    repository: entry.to,
    tag: entry.tags[tag],
    fidelity: 'alternative',
    keepsDigest: false,
    title: entry.title,
    reason: withDroppedDigest(entry.reason, source),
    sourceIds: entry.sources,
  };
}

function explainNoEntry(source: NormalizedImage, notes: RewriteNote[]): void {
  const retired = forbiddenEntries().find((entry) => `${repositoryOf(source)}/`.startsWith(entry.prefix));
  if (retired) {
    notes.push({ reason: `this image itself is gone: ${retired.reason}`, source: citation(retired.sources) });
  } else if (source.registry === 'registry.k8s.io') {
    notes.push({ reason: 'no EKS Distro build of this registry.k8s.io image is in the catalog; registry.k8s.io has no 1:1 mirror on Amazon ECR Public' });
  }
}

function withDroppedDigest(reason: string, source: NormalizedImage): string {
  return source.digest === undefined ? reason : `${reason} The digest ${source.digest} is dropped.`;
}

// ---------------------------------------------------------------------------------------------
// User mappings

function fromUserMapping(source: NormalizedImage, mapping: CompiledMapping, notes: RewriteNote[]): Draft | undefined {
  const repository = repositoryOf(source);
  let target: string;
  if (mapping.pattern) {
    const registryOnly = mapping.from.endsWith('/');
    if (registryOnly ? !repository.startsWith(mapping.from) : !repository.startsWith(`${mapping.from}/`)) return undefined;
    target = `${mapping.to}/${repository.slice(registryOnly ? mapping.from.length : mapping.from.length + 1)}`;
  } else {
    if (repository !== mapping.from) return undefined;
    target = mapping.to;
  }
  const keepDigest = mapping.keepDigest;
  if (source.tag === undefined && source.digest !== undefined && !keepDigest) {
    notes.push({ target, reason: `mappings[${mapping.index}] does not keep digests and the image has no tag to keep` });
    return undefined;
  }
  const digestNote = source.digest !== undefined && !keepDigest ? ' The digest is dropped (keepDigest is not set).' : '';
  return {
    repository: target,
    tag: source.tag,
    digest: keepDigest ? source.digest : undefined,
    fidelity: 'user',
    keepsDigest: keepDigest,
    title: 'Mapping from your settings',
    reason: `Your catalog mapping ${mapping.pattern ? 'pattern ' : ''}rewrites ${mapping.from}${mapping.pattern ? '*' : ''} to ${mapping.to}${mapping.pattern ? '/*' : ''}.${digestNote}`,
    sourceIds: [],
    sourceText: `settings: mappings[${mapping.index}]`,
  };
}

// ---------------------------------------------------------------------------------------------
// Pull-through cache

function throughCache(source: NormalizedImage, builtIn: readonly Draft[], cache: CompiledPullThrough, notes: RewriteNote[]): Draft[] {
  if (source.registry === cache.host) return [];
  const drafts: Draft[] = [];
  const upstream = upstreamOf(source.registry);
  if (upstream) {
    const prefix = cache.prefixes[upstream];
    if (prefix === undefined) {
      notes.push({ reason: `no pull-through cache prefix is configured for ${upstream}` });
    } else {
      const officialNote = upstream === 'docker-hub' && source.repository.startsWith('library/')
        ? ' Docker Hub Official Images keep the library/ prefix in the cache path.' : '';
      drafts.push({
        repository: `${cache.host}/${prefix}/${source.repository}`,
        tag: source.tag,
        digest: source.digest,
        fidelity: 'cache',
        keepsDigest: true,
        title: `Your ECR pull-through cache of ${source.registry}`,
        reason: `Your pull-through cache rule "${prefix}" serves this very image from your private registry: the tag and the digest are kept.${officialNote}`,
        sourceIds: ['ecr-pull-through-urls', 'ecr-pull-through-prefixes'],
      });
    }
  }
  const ecrPublicPrefix = cache.prefixes['ecr-public'];
  for (const draft of builtIn) {
    if (!draft.repository.startsWith(`${ECR_PUBLIC}/`)) continue;
    if (ecrPublicPrefix === undefined) {
      notes.push({ target: draft.repository, reason: 'Amazon ECR Public targets need an ecr-public pull-through cache prefix in pull-through mode' });
      continue;
    }
    drafts.push({
      ...draft,
      repository: `${cache.host}/${ecrPublicPrefix}/${draft.repository.slice(ECR_PUBLIC.length + 1)}`,
      title: `${draft.title}, through your ECR pull-through cache`,
      reason: `${draft.reason} Pulled through your "${ecrPublicPrefix}" cache rule for Amazon ECR Public.`,
      sourceIds: [...draft.sourceIds, 'ecr-pull-through-urls'],
    });
  }
  return drafts;
}

function upstreamOf(registry: string): PullThroughUpstream | undefined {
  for (const [upstream, host] of Object.entries(PULL_THROUGH_UPSTREAMS)) {
    if (host === registry) return upstream as PullThroughUpstream;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Refusals, de-duplication, order and the preferred flag

function finish(
  source: NormalizedImage, drafts: readonly Draft[], disabled: ReadonlySet<string>, cache: CompiledPullThrough | null | undefined, notes: RewriteNote[],
): RewriteCandidate[] {
  const seen = new Set<string>([formatImage(repositoryOf(source), source.tag, source.digest)]);
  const kept: { draft: Draft; image: string }[] = [];
  for (const draft of drafts) {
    const image = formatImage(draft.repository, draft.tag, draft.digest);
    const target = normalizeRepository(draft.repository);
    const targetRepository = typeof target === 'string' ? target : draft.repository.toLowerCase();
    const refusal = forbiddenTarget([targetRepository, draft.publicRepository, publicUpstreamOf(targetRepository, cache)]);
    if (refusal) {
      notes.push({ target: image, reason: refusal.reason, source: citation(refusal.sources) });
      continue;
    }
    if (disabled.has(targetRepository) || (draft.publicRepository !== undefined && disabled.has(draft.publicRepository))) {
      notes.push({ target: image, reason: `${draft.publicRepository ?? targetRepository} is disabled by the settings` });
      continue;
    }
    const key = formatImage(targetRepository, draft.tag, draft.digest);
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push({ draft, image });
  }
  kept.sort((a, b) => FIDELITY_ORDER.indexOf(a.draft.fidelity) - FIDELITY_ORDER.indexOf(b.draft.fidelity));
  const best = kept.length > 0 ? kept[0].draft.fidelity : undefined;
  const preferOne = best !== undefined && best !== 'alternative' && kept.filter((k) => k.draft.fidelity === best).length === 1;
  return kept.map(({ draft, image }, index) => ({
    image,
    title: `${draft.title}: ${image}`,
    preferred: preferOne && index === 0,
    reason: draft.reason,
    source: draft.sourceText ?? citation(draft.sourceIds),
    keepsDigest: draft.keepsDigest,
  }));
}

function forbiddenEntries(): ForbiddenTargetEntry[] {
  return CATALOG.entries.filter((entry): entry is ForbiddenTargetEntry => entry.kind === 'forbidden-target');
}

function forbiddenTarget(repositories: readonly (string | undefined)[]): ForbiddenTargetEntry | undefined {
  return forbiddenEntries().find((entry) => repositories.some((repository) => repository !== undefined && `${repository}/`.startsWith(entry.prefix)));
}

/** A repository under the user's Amazon ECR Public cache rule pulls from public.ecr.aws: which repository? */
function publicUpstreamOf(repository: string, cache: CompiledPullThrough | null | undefined): string | undefined {
  const prefix = cache?.prefixes['ecr-public'];
  if (!cache || prefix === undefined) return undefined;
  const cachePath = `${cache.host}/${prefix}/`;
  return repository.startsWith(cachePath) ? `${ECR_PUBLIC}/${repository.slice(cachePath.length)}` : undefined;
}

function citation(ids: readonly string[]): string {
  return ids
    .map((id) => CATALOG.sources.find((source) => source.id === id))
    .filter((source): source is NonNullable<typeof source> => source !== undefined)
    .map((source) => `${source.ref} <${source.url}>`)
    .join('; ');
}
