// The JSON context Kyverno evaluates `{{ }}` variables against, and its Query wrapper.

import type { ImageConfig } from '../image';
import { compileExpression, jmespathSearch } from './search';
import { isObject } from './values';

export interface EvalContext {
  request: { object: unknown; oldObject?: unknown; operation: string; namespace?: string };
  /**
   * The `images` variable. Absent or `{}` when the resource has no images (Kyverno then has no
   * `images` key at all). A getter that throws stands for an extraction error: Kyverno loads `images`
   * lazily and fails every query whose text mentions `images` with that error.
   */
  images: unknown;
  element?: unknown;
  elementIndex?: number;
  [variable: string]: unknown;
}

export interface QueryOptions {
  imageConfig?: ImageConfig;
}

/**
 * The data root for an EvalContext: own properties as they are (lazy getters stay lazy), minus an
 * empty `images`.
 */
export function contextRoot(ctx: EvalContext): Record<string, unknown> {
  // Built for every query, so plain data properties are copied by assignment (which keeps the root a
  // fast-mode object); only accessors and a `__proto__` key need defineProperty.
  const root: Record<string, unknown> = {};
  for (const key of Object.keys(ctx)) {
    const descriptor = Object.getOwnPropertyDescriptor(ctx, key);
    if (descriptor === undefined) continue;
    if (descriptor.get === undefined && descriptor.set === undefined) {
      const value: unknown = descriptor.value;
      if (value === undefined || (key === 'images' && isEmptyImages(value))) continue;
      if (key === '__proto__') Object.defineProperty(root, key, { value, writable: true, enumerable: true, configurable: true });
      else root[key] = value;
      continue;
    }
    if (descriptor.get === undefined && descriptor.value === undefined) continue;
    Object.defineProperty(root, key, { ...descriptor, configurable: true });
  }
  return root;
}

function isEmptyImages(value: unknown): boolean {
  return value === undefined || value === null || (isObject(value) && Object.keys(value).length === 0);
}

/** The extraction error behind a failing lazy `images`, if any. */
function imagesLoadError(ctx: EvalContext): string | undefined {
  const descriptor = Object.getOwnPropertyDescriptor(ctx, 'images');
  if (descriptor?.get === undefined) return undefined;
  try {
    descriptor.get.call(ctx);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Kyverno's `context.Query`: the images loader runs first when the query text mentions `images`;
 * then "invalid query (nil)", "incorrect query <q>: <parse error>" or "JMESPath query failed: <error>".
 * Throws an Error with that text.
 */
/** Lets a run of queries over an unchanging context share one root (variable substitution does). */
export interface RootCache { root?: Record<string, unknown> }

export function queryContext(query: string, ctx: EvalContext, options: QueryOptions = {}, cache?: RootCache): unknown {
  if (query.includes('images')) {
    const loadError = imagesLoadError(ctx);
    if (loadError !== undefined) throw new Error(loadError);
  }
  const trimmed = query.trim();
  if (trimmed === '') throw new Error('invalid query (nil)');
  try {
    compileExpression(trimmed);
  } catch (error) {
    throw new Error(`incorrect query ${trimmed}: ${(error as Error).message}`);
  }
  try {
    const root = cache === undefined ? contextRoot(ctx) : (cache.root ??= contextRoot(ctx));
    return jmespathSearch(trimmed, root, options);
  } catch (error) {
    throw new Error(`JMESPath query failed: ${(error as Error).message}`);
  }
}
