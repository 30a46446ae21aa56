// Kyverno's `GetImageInfo` (pkg/utils/image/infos.go): how one container image string becomes the
// fields of the `images` context variable. See docs/kyverno-semantics.md §3.4.

import { goToLower, parseImageReference } from './reference';

export interface ImageInfo {
  /** Omitted (Go `omitempty`) when empty, e.g. with default-registry mutation disabled. */
  registry?: string;
  name: string;
  path: string;
  tag?: string;
  digest?: string;
  reference: string;
  referenceWithTag: string;
}

export interface ImageConfig {
  defaultRegistry: string;
  enableDefaultRegistryMutation: boolean;
}

/** Kyverno's defaults (pkg/config/config.go): `docker.io`, mutation enabled. */
export const DEFAULT_IMAGE_CONFIG: Readonly<ImageConfig> = Object.freeze({ defaultRegistry: 'docker.io', enableDefaultRegistryMutation: true });

/**
 * Prefixes the default registry unless the first `/`-separated component already looks like a
 * registry: it contains `.` or `:`, is `localhost`, or contains an upper-case letter. A name without `/`
 * is always prefixed.
 */
export function addDefaultRegistry(image: string, config: ImageConfig = DEFAULT_IMAGE_CONFIG): string {
  const slash = image.indexOf('/');
  if (slash < 0) return `${config.defaultRegistry}/${image}`;
  const first = image.slice(0, slash);
  const looksLikeRegistry = first.includes('.') || first.includes(':') || first === 'localhost' || goToLower(first) !== first;
  return looksLikeRegistry ? image : `${config.defaultRegistry}/${image}`;
}

export function getImageInfo(image: string, config: ImageConfig = DEFAULT_IMAGE_CONFIG): ImageInfo | { error: string } {
  const fullImageName = addDefaultRegistry(image, config);
  const parsed = parseImageReference(fullImageName);
  if ('error' in parsed) {
    return {
      error: `bad image: ${fullImageName}, defaultRegistry: ${config.defaultRegistry}, enableDefaultRegistryMutation: ${config.enableDefaultRegistryMutation}: ${parsed.error}`,
    };
  }
  let registry = parsed.domain;
  let path = parsed.path;
  const name = path.slice(path.lastIndexOf('/') + 1);
  const digest = parsed.digest ?? '';
  let tag = parsed.tag ?? '';
  if (digest === '' && tag === '') tag = 'latest';
  if (fullImageName !== image && !config.enableDefaultRegistryMutation) registry = '';

  const repository = registry !== '' ? `${registry}/${path}` : path;
  const referenceWithTag = `${repository}:${tag}`;
  const reference = digest !== '' ? `${repository}@${digest}` : `${repository}:${tag}`;

  // Since kyverno a741b2184d: a registry the reference grammar could not recognise as a domain (it
  // contains `_`, e.g. `aws_account_id.dkr.ecr...`) is split off the path after the references are built.
  const components = path.split('/');
  if (components.length > 1 && registry === '' && components[0].includes('_')) {
    registry = components[0];
    path = components.slice(1).join('/');
  }

  const info: ImageInfo = { name, path, reference, referenceWithTag };
  if (registry !== '') info.registry = registry;
  if (tag !== '') info.tag = tag;
  if (digest !== '') info.digest = digest;
  return withFieldOrder(info);
}

/** Keeps the JSON field order of Kyverno's struct (registry, name, path, tag, digest, reference, referenceWithTag). */
function withFieldOrder(info: ImageInfo): ImageInfo {
  const ordered: ImageInfo = {} as ImageInfo;
  if (info.registry !== undefined) ordered.registry = info.registry;
  ordered.name = info.name;
  ordered.path = info.path;
  if (info.tag !== undefined) ordered.tag = info.tag;
  if (info.digest !== undefined) ordered.digest = info.digest;
  ordered.reference = info.reference;
  ordered.referenceWithTag = info.referenceWithTag;
  return ordered;
}
