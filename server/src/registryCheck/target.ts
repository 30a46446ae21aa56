// Where a manifest lives: an image reference turned into the registry host, the repository and the
// reference (tag or digest) of the OCI distribution API's `/v2/<name>/manifests/<reference>`.
import { parseImageReference } from '../engine/image/reference';

export interface ManifestTarget {
  /** `host[:port]`, lower-case, as it appears in the request URL. */
  host: string;
  repository: string;
  /** The digest when the image pins one (the registry looks manifests up by it), else the tag. */
  reference: string;
  byDigest: boolean;
  /** The normalised full reference, the cache key: `nginx` and `docker.io/library/nginx:latest` share it. */
  key: string;
}

/** Docker Hub's names for itself; the API is served by registry-1.docker.io. */
const DOCKER_HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

export function registryApiHost(domain: string): string {
  const host = domain.toLowerCase();
  return host === '' || DOCKER_HUB_NAMES.has(host) ? DOCKER_HUB_API_HOST : host;
}

export function manifestTarget(image: string): ManifestTarget | { error: string } {
  const parsed = parseImageReference(image);
  if ('error' in parsed) return parsed;
  const { domain, path } = splitDockerDomain(parsed.domain === '' ? parsed.path : `${parsed.domain}/${parsed.path}`);
  const host = registryApiHost(domain);
  // Docker Hub's official images sit under library/: `nginx` is `library/nginx` to the API.
  const repository = host === DOCKER_HUB_API_HOST && !path.includes('/') ? `library/${path}` : path;
  const byDigest = parsed.digest !== undefined;
  const reference = parsed.digest ?? parsed.tag ?? 'latest';
  const key = `${host}/${repository}${byDigest ? '@' : ':'}${reference}`;
  return { host, repository, reference, byDigest, key };
}

/**
 * What a container runtime pulls: the grammar's parser reads `grafana/grafana` as domain `grafana`, but
 * Docker (distribution's ParseNormalizedNamed) treats the first component as a registry only when it
 * looks like a host: it contains `.` or `:`, or is `localhost`. Anything else is a Docker Hub path.
 */
function splitDockerDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { domain: '', path: name };
  const first = name.slice(0, slash);
  if (first.includes('.') || first.includes(':') || first === 'localhost') return { domain: first, path: name.slice(slash + 1) };
  return { domain: '', path: name };
}

/** Hosts that never leave the machine: the only ones plain http:// may be used for (tests). */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
}
