// Types of the rewrite catalog (the data) and of its answers (candidates, notes, edits).

/** A public statement an entry rests on. `ref` is how it is cited in candidates, `url` where to read it. */
export interface CatalogSource {
  readonly id: string;
  readonly ref: string;
  readonly url: string;
  /** What the source says that the catalog relies on. */
  readonly supports: string;
}

/**
 * Docker Official Images → `public.ecr.aws/docker/library/<name>`: Docker copies every Official Image
 * there, so the reference keeps its tag and its digest.
 */
export interface OfficialMirrorEntry {
  readonly id: string;
  readonly kind: 'official-mirror';
  readonly title: string;
  /** Target repository prefix; the image name is appended. */
  readonly target: string;
  /** The Docker Official Image names the catalog knows (repository names under Docker Hub `library/`). */
  readonly images: readonly string[];
  readonly keepsDigest: true;
  readonly reason: string;
  readonly sources: readonly string[];
}

/** A publisher's own ECR Public repository for an image that is also published elsewhere: a separate build. */
export interface PublisherEntry {
  readonly id: string;
  readonly kind: 'publisher';
  readonly title: string;
  /** Normalized repositories (`docker.io/library/nginx`, `gcr.io/datadoghq/agent`) this entry rewrites. */
  readonly from: readonly string[];
  readonly to: string;
  readonly keepsDigest: false;
  readonly reason: string;
  readonly sources: readonly string[];
}

/**
 * An upstream repository whose rebuild lives under a different path with different tags (EKS Distro):
 * only the tags listed here are rewritten, never by swapping the prefix.
 */
export interface TagMapEntry {
  readonly id: string;
  readonly kind: 'tag-map';
  readonly title: string;
  readonly from: string;
  readonly to: string;
  /** upstream tag → target tag, each pair sourced. */
  readonly tags: Readonly<Record<string, string>>;
  readonly keepsDigest: false;
  readonly reason: string;
  readonly sources: readonly string[];
}

/** A namespace on ECR Public that is known to exist but has no other home to rewrite from. */
export interface NamespaceEntry {
  readonly id: string;
  readonly kind: 'namespace';
  readonly title: string;
  readonly namespace: string;
  readonly note: string;
  readonly sources: readonly string[];
}

/** A target that must never be offered, whoever asks for it. */
export interface ForbiddenTargetEntry {
  readonly id: string;
  readonly kind: 'forbidden-target';
  readonly title: string;
  /** Normalized repository prefix, ending in `/`. */
  readonly prefix: string;
  readonly reason: string;
  readonly sources: readonly string[];
}

export type CatalogEntry = OfficialMirrorEntry | PublisherEntry | TagMapEntry | NamespaceEntry | ForbiddenTargetEntry;

export interface Catalog {
  /** Bumped whenever an entry, a tag or a source changes. */
  readonly version: string;
  /** The day the facts were last checked against their sources. */
  readonly checked: string;
  readonly sources: readonly CatalogSource[];
  readonly entries: readonly CatalogEntry[];
}

// ---------------------------------------------------------------------------------------------
// Answers

export interface RewriteCandidate {
  image: string;
  title: string;
  /** True on exactly one candidate when exactly one is right; otherwise false everywhere. */
  preferred: boolean;
  reason: string;
  /** Citation(s) the candidate rests on. */
  source: string;
  keepsDigest: boolean;
}

/** Why a target was not offered, or why there is nothing to offer. */
export interface RewriteNote {
  /** The target that was dropped, when there was one. */
  target?: string;
  reason: string;
  source?: string;
}

export interface RewritePlan {
  image: string;
  /** `registry/repository[:tag][@digest]` with Docker Hub spelled out, when the image parses. */
  normalized?: string;
  candidates: RewriteCandidate[];
  notes: RewriteNote[];
  /** Set when the image itself does not parse; then there are no candidates. */
  error?: string;
}

// ---------------------------------------------------------------------------------------------
// Options

export interface CatalogMapping {
  /** A repository (`nginx`, `quay.io/org/app`) or a repository prefix ending in `/*` (`quay.io/org/*`). */
  from: string;
  /** A repository; ends in `/*` exactly when `from` does, and the matched rest is appended. */
  to: string;
  /** Keep a digest of the source image: only right when the target holds the very same manifests. */
  keepDigest?: boolean;
}

export type PullThroughUpstream = 'docker-hub' | 'registry.k8s.io' | 'quay' | 'ghcr' | 'ecr-public';

export interface PullThroughCacheOptions {
  /** 12-digit AWS account id. */
  account: string;
  region: string;
  /** ECR repository prefix of the pull-through cache rule for each upstream the user has a rule for. */
  prefixes: Partial<Record<PullThroughUpstream, string>>;
}

export interface CatalogOptions {
  /** Extra mappings, applied before the built-in entries and preferred over them. */
  mappings?: readonly CatalogMapping[];
  /** Entry ids or target repositories (`public.ecr.aws/nginx/nginx`) to leave out. */
  disabled?: readonly string[];
  /** When set, rewrites target the user's ECR pull-through cache instead of public.ecr.aws. */
  pullThroughCache?: PullThroughCacheOptions;
}

/** A problem with CatalogOptions; the offending mapping or cache setting is ignored. */
export interface CatalogOptionProblem {
  /** `mappings[2].to`, `pullThroughCache.region`, ... */
  path: string;
  message: string;
}

/** An edit of the document text (offsets relative to ParsedDocument.text). */
export interface TextEdit { start: number; end: number; newText: string }
