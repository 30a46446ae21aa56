// The `images` context variable for a resource, as Kyverno's built-in image extractors build it
// (pkg/utils/api/image.go ExtractImagesFromResource + pkg/engine/context convertImagesToUnstructured).

import { DEFAULT_IMAGE_CONFIG, getImageInfo, type ImageConfig, type ImageInfo } from './imageInfo';

/** `{containers: {<name>: {...}}, initContainers: ..., ephemeralContainers: ...}`; a group is present only when it has an image. */
export type ImagesVariable = Record<string, Record<string, unknown>>;

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Where each workload kind keeps its Pod spec. Other kinds have no built-in extractor. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export function hasImageExtractor(kind: unknown): boolean {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(POD_SPEC_PATHS, kind);
}

/**
 * Builds the variable or reports the first error exactly as Kyverno would ("invalid image '<img>' (bad
 * image: ...)", "invalid key", ...): in Kyverno such an error fails every query that mentions `images`.
 */
export function extractImages(resource: unknown, config: ImageConfig = DEFAULT_IMAGE_CONFIG): { images: ImagesVariable } | { error: string } {
  const images: ImagesVariable = {};
  if (!isObject(resource) || !hasImageExtractor(resource.kind)) return { images };
  const podSpecPath = POD_SPEC_PATHS[resource.kind as string];
  for (const list of CONTAINER_LISTS) {
    const found: Record<string, unknown> = {};
    const error = extractList(resource, podSpecPath, list, found, config);
    if (error !== undefined) return { error };
    if (Object.keys(found).length > 0) images[list] = found;
  }
  return { images };
}

/** The variable for a resource; `{}` when the resource has no images or Kyverno could not extract them. */
export function buildImagesVariable(resource: unknown, config: ImageConfig = DEFAULT_IMAGE_CONFIG): ImagesVariable {
  const result = extractImages(resource, config);
  return 'images' in result ? result.images : {};
}

/**
 * Kyverno's extractor walk over `<podSpecPath>/<list>/*`: a missing step yields nothing, a step into
 * something that is not a map is "invalid image config", a list that is neither an array nor a map is
 * "invalid type", and every element needs a string `name` ("invalid key").
 */
function extractList(resource: Record<string, unknown>, podSpecPath: readonly string[], list: string, found: Record<string, unknown>, config: ImageConfig): string | undefined {
  let node: unknown = resource;
  for (const field of podSpecPath) {
    if (!isObject(node)) return 'invalid image config';
    node = node[field];
    if (node === null || node === undefined) return undefined;
  }
  if (!isObject(node)) return 'invalid image config';
  const items = node[list];
  if (items === null || items === undefined) return undefined;
  const prefix = `/${podSpecPath.join('/')}/${list}/`;
  if (Array.isArray(items)) {
    for (let i = 0; i < items.length; i++) {
      const error = extractContainer(items[i], `${prefix}${i}/image`, found, config);
      if (error !== undefined) return error;
    }
    return undefined;
  }
  if (isObject(items)) {
    for (const [key, value] of Object.entries(items)) {
      const error = extractContainer(value, `${prefix}${key}/image`, found, config);
      if (error !== undefined) return error;
    }
    return undefined;
  }
  return 'invalid type';
}

function extractContainer(container: unknown, pointer: string, found: Record<string, unknown>, config: ImageConfig): string | undefined {
  if (container === null || container === undefined) return undefined;
  if (!isObject(container)) return 'invalid image config';
  const name = container.name;
  if (typeof name !== 'string') return 'invalid key';
  const image = container.image;
  if (typeof image !== 'string' || image.trim() === '') return undefined;
  const info = imageInfoOf(image, config);
  if ('error' in info) return `invalid image '${image}' (${info.error})`;
  // Object.assign, not spread: the info objects come in several shapes, and spreading such objects
  // takes V8's slow path (measured at ~1µs an image).
  const entry: Record<string, unknown> = Object.assign({} as Record<string, unknown>, info);
  entry.jsonPointer = pointer;
  found[name] = entry;
  return undefined;
}

/** getImageInfo per (config, image) string: the same images recur across resources and evaluations. */
const infoCache = new WeakMap<ImageConfig, Map<string, ImageInfo | { error: string }>>();
const INFO_CACHE_LIMIT = 10_000;

function imageInfoOf(image: string, config: ImageConfig): ImageInfo | { error: string } {
  let byImage = infoCache.get(config);
  if (byImage === undefined) {
    byImage = new Map();
    infoCache.set(config, byImage);
  }
  let info = byImage.get(image);
  if (info === undefined) {
    info = getImageInfo(image, config);
    if (byImage.size >= INFO_CACHE_LIMIT) byImage.clear();
    byImage.set(image, info);
  }
  return info;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
