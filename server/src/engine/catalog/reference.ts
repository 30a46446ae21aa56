// Image references as the catalog compares them: Docker's normalized form (registry always written,
// Docker Hub spelled `docker.io`, its single-name repositories under `library/`). The grammar itself is
// engine/image's; this file only adds Docker's normalization on top of it.
import { parseImageReference } from '../image/reference';

export interface NormalizedImage {
  /** Lower-case host[:port]; Docker Hub's aliases folded into `docker.io`. */
  registry: string;
  /** Repository path, with `library/` for single-name Docker Hub images. */
  repository: string;
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';

/** Names of Docker Hub: `index.docker.io` is the legacy name, `registry-1.docker.io` the registry's host. */
const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);

export function normalizeImage(raw: string): NormalizedImage | { error: string } {
  const parsed = parseImageReference(raw);
  if ('error' in parsed) return { error: parsed.error };
  const name = parsed.domain === '' ? parsed.path : `${parsed.domain}/${parsed.path}`;
  const { registry, repository } = splitName(name);
  const image: NormalizedImage = { registry, repository };
  if (parsed.tag !== undefined) image.tag = parsed.tag;
  if (parsed.digest !== undefined) image.digest = parsed.digest;
  return image;
}

/**
 * Docker's rule (distribution/reference splitDockerDomain): the first component names a registry only
 * when it contains `.` or `:`, is `localhost`, or is not lower-case; otherwise the name is on Docker Hub.
 * `reference.Parse` alone would read `bitnami/redis` as host `bitnami`, which is why this step exists.
 */
export function splitName(name: string): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isRegistry = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  const registry = isRegistry ? canonicalRegistry(first) : DOCKER_HUB;
  let repository = isRegistry ? name.slice(slash + 1) : name;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  return { registry, repository };
}

/** Host names are case-insensitive; Docker Hub has several. */
export function canonicalRegistry(host: string): string {
  const lower = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? DOCKER_HUB : lower;
}

/** A repository name (no tag, no digest) in normalized `registry/repository` form, or an error. */
export function normalizeRepository(raw: string): string | { error: string } {
  const image = normalizeImage(raw);
  if ('error' in image) return image;
  if (image.tag !== undefined || image.digest !== undefined) return { error: 'a repository, without tag or digest, is expected' };
  return `${image.registry}/${image.repository}`;
}

export function repositoryOf(image: NormalizedImage): string {
  return `${image.registry}/${image.repository}`;
}

export function formatImage(repository: string, tag: string | undefined, digest: string | undefined): string {
  return `${repository}${tag !== undefined ? `:${tag}` : ''}${digest !== undefined ? `@${digest}` : ''}`;
}
