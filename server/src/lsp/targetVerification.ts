/**
 * registryGuard.verifyRewriteTargets: whether a rewrite target's tag or digest exists, asked of its registry.
 * Off by default and never in an untrusted workspace; while off no checker exists, so nothing can reach the
 * network. Code actions only read the checker's cache (peek) and start lookups in the background; only
 * codeAction/resolve waits for one (bounded by the checker's timeout).
 */
import type { CatalogOptions } from '../engine/catalog';
import { rankCandidates } from '../engine/catalog';
import { FixCache, type CheckedImage, type FileAnalyzer, type ImageSite } from '../engine/fixes';
import type { YamlFile } from '../engine/yaml/model';
import { manifestTarget, RegistryChecker, type RegistryCheckResult } from '../registryCheck';

/** What code actions need of a registry checker (RegistryChecker satisfies it). */
export interface TargetVerifier {
  /** The cached answer, without any request; undefined when unknown. */
  peek(image: string): RegistryCheckResult | undefined;
  /** Asks the registry (or the cache); never rejects. */
  check(image: string): Promise<RegistryCheckResult>;
}

export interface ClearableVerifier extends TargetVerifier {
  /** Forgets every cached answer and authorization. */
  clear(): void;
}

export interface VerificationOptions {
  /**
   * Plain http to loopback registries, for the integration tests only: the session honours it only when the
   * server process runs with REGISTRY_GUARD_TESTING=1, so no setting can turn it on.
   */
  allowInsecureLoopback?: boolean;
}

/** Holds a checker exactly while the setting is on and the workspace is trusted. */
export class TargetVerification {
  private checker: ClearableVerifier | undefined;

  constructor(private readonly create: () => ClearableVerifier) {}

  /** Creates the checker when it is wanted, clears and drops it when it is not. */
  update(enabled: boolean, trusted: boolean): void {
    if (enabled && trusted) {
      this.checker ??= this.create();
      return;
    }
    this.checker?.clear();
    this.checker = undefined;
  }

  get verifier(): TargetVerifier | undefined {
    return this.checker;
  }
}

export function createRegistryChecker(options: VerificationOptions = {}): ClearableVerifier {
  return new RegistryChecker({ allowInsecureLoopback: options.allowInsecureLoopback === true });
}

/** Why a target the registry answered 404 for is not offered: `tag "1.27" not found in public.ecr.aws`. */
export function notFoundReason(image: string): string {
  const target = manifestTarget(image);
  if ('error' in target) return `${image} was not found in its registry`;
  return target.byDigest ? `digest ${target.reference} not found in ${target.host}` : `tag "${target.reference}" not found in ${target.host}`;
}

/**
 * The fix checks (engine/fixes) with the targets a registry said are missing taken out and the rest ranked again,
 * so fix-all and the workspace fix never pick a missing target, and the only remaining target becomes preferred.
 * Reads the cache only; the unfiltered checks stay available through `unverified`.
 */
export class VerifiedFixCache extends FixCache {
  private seen: Set<string> | undefined;

  constructor(generation: string, private readonly known: () => TargetVerifier | undefined) {
    super(generation);
  }

  override checked(analyzer: FileAnalyzer, file: string, yaml: YamlFile, site: ImageSite, catalog: CatalogOptions | undefined): CheckedImage {
    const all = this.unverified(analyzer, file, yaml, site, catalog);
    if (this.seen !== undefined) for (const candidate of all.candidates) this.seen.add(candidate.image);
    return withoutMissing(all, this.known());
  }

  /** Runs `work`, collecting into `images` every target whose registry answer its result depends on. */
  watching<T>(images: Set<string>, work: () => T): T {
    const outer = this.seen;
    this.seen = images;
    try {
      return work();
    } finally {
      this.seen = outer;
    }
  }

  /** The policy checks alone, as engine/fixes computes them. */
  unverified(analyzer: FileAnalyzer, file: string, yaml: YamlFile, site: ImageSite, catalog: CatalogOptions | undefined): CheckedImage {
    return super.checked(analyzer, file, yaml, site, catalog);
  }
}

/** The targets among `images` the verifier knows to be missing (none without a verifier). */
export function knownMissing(images: Iterable<string>, verifier: TargetVerifier | undefined): Set<string> {
  const missing = new Set<string>();
  if (verifier === undefined) return missing;
  for (const image of images) if (verifier.peek(image) === 'missing') missing.add(image);
  return missing;
}

export function withoutMissing(checked: CheckedImage, verifier: TargetVerifier | undefined): CheckedImage {
  if (verifier === undefined) return checked;
  const missing = checked.candidates.filter((c) => verifier.peek(c.image) === 'missing');
  if (missing.length === 0) return checked;
  const kept = checked.candidates.filter((c) => !missing.includes(c));
  const byImage = new Map(kept.map((c) => [c.image, c]));
  return {
    ...checked,
    candidates: rankCandidates(kept, () => true).map((c) => ({ ...c, edit: byImage.get(c.image)!.edit })),
    rejected: [...checked.rejected, ...missing.map((candidate) => ({ candidate, reason: notFoundReason(candidate.image) }))],
  };
}
