// The `images` context variable for a resource, as Kyverno's built-in image extractors build it
// (pkg/utils/api/image.go ExtractImagesFromResource + pkg/engine/context convertImagesToUnstructured).

import { DEFAULT_IMAGE_CONFIG, getImageInfo, type ImageConfig } from './imageInfo';

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
    const error = walk(resource, [], [...podSpecPath, list, '*'], found, config);
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

function walk(node: unknown, path: string[], fields: readonly string[], found: Record<string, unknown>, config: ImageConfig): string | undefined {
  if (node === null || node === undefined) return undefined;
  if (fields.length > 0 && fields[0] === '*') {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const error = walk(node[i], [...path, String(i)], fields.slice(1), found, config);
        if (error !== undefined) return error;
      }
      return undefined;
    }
    if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        const error = walk(value, [...path, key], fields.slice(1), found, config);
        if (error !== undefined) return error;
      }
      return undefined;
    }
    return 'invalid type';
  }
  if (!isObject(node)) return 'invalid image config';
  if (fields.length > 0) return walk(node[fields[0]], [...path, fields[0]], fields.slice(1), found, config);

  const pointer = `/${path.join('/')}/image`;
  const name = node.name;
  if (typeof name !== 'string') return 'invalid key';
  const image = node.image;
  if (typeof image !== 'string' || image.trim() === '') return undefined;
  const info = getImageInfo(image, config);
  if ('error' in info) return `invalid image '${image}' (${info.error})`;
  found[name] = { ...info, jsonPointer: pointer };
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
