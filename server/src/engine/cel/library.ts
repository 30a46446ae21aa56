// The functions Kyverno's CEL environment offers beyond the CEL standard library, as far as they can be
// evaluated offline: the image library (kyverno/sdk extensions/cel/libs/image), the Kubernetes string
// and list extensions, RE2 `matches`, and the data libraries (`resource`, `image.GetMetadata`, `http`,
// `globalContext`) whose lookups need a cluster or a registry and otherwise raise OfflineDataError.

import type * as CelJs from '@marcbachmann/cel-js' with { 'resolution-mode': 'import' };
import { compileGoRegex } from '../jmespath';
import {
  imageContainsDigest, imageDigest, imageIdentifier, imageRegistry, imageRepository, imageTag, parseContainerImageReference,
  type ContainerImageReference,
} from './imageReference';

/** A lookup the expression needs that only a cluster or a registry can answer. */
export class OfflineDataError extends Error {
  constructor(readonly needs: string) {
    super(`${needs}, which is not available offline`);
  }
}

/** `matches` is renamed to this same-length identifier before parsing, so the RE2 implementation below runs instead of JS RegExp. */
export const RE2_MATCH = '__match';

/** The CEL value of `image('...')`. */
export class CelImage {
  constructor(readonly ref: ContainerImageReference) {}
}

/** Resources the editor knows about (CLI context files), for `resource.Get/List` and policy params. */
export interface ClusterData {
  resources: readonly Record<string, unknown>[];
}

/** The receiver of `resource.Get(...)` / `resource.List(...)`. */
export class ResourceLibrary {
  constructor(readonly data: ClusterData | undefined) {}

  get(apiVersion: string, resource: string, namespace: string, name: string): unknown {
    if (this.data === undefined) throw new OfflineDataError(`resource.Get("${apiVersion}", "${resource}", "${namespace}", "${name}") reads the cluster`);
    const found = this.data.resources.find((r) => matchesResource(r, apiVersion, resource, namespace) && metadataOf(r).name === name);
    if (found === undefined) throw new Error(`${resource} "${name}" not found`);
    return found;
  }

  list(apiVersion: string, resource: string, namespace: string): unknown {
    if (this.data === undefined) throw new OfflineDataError(`resource.List("${apiVersion}", "${resource}", "${namespace}") reads the cluster`);
    return { items: this.data.resources.filter((r) => matchesResource(r, apiVersion, resource, namespace)) };
  }
}

function metadataOf(r: Record<string, unknown>): Record<string, unknown> {
  const m = r.metadata;
  return typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as Record<string, unknown>) : {};
}

function matchesResource(r: Record<string, unknown>, apiVersion: string, resource: string, namespace: string): boolean {
  if (r.apiVersion !== apiVersion || typeof r.kind !== 'string' || resourceOfKind(r.kind) !== resource) return false;
  const ns = metadataOf(r).namespace;
  return namespace === '' || (typeof ns === 'string' ? ns : '') === namespace;
}

const RESOURCE_NAMES: Readonly<Record<string, string>> = {
  Endpoints: 'endpoints',
  Ingress: 'ingresses',
  NetworkPolicy: 'networkpolicies',
  PodSecurityPolicy: 'podsecuritypolicies',
  StorageClass: 'storageclasses',
  PriorityClass: 'priorityclasses',
  IngressClass: 'ingressclasses',
  RuntimeClass: 'runtimeclasses',
  ResourceQuota: 'resourcequotas',
  ValidatingAdmissionPolicy: 'validatingadmissionpolicies',
  MutatingAdmissionPolicy: 'mutatingadmissionpolicies',
  ValidatingPolicy: 'validatingpolicies',
  ClusterPolicy: 'clusterpolicies',
  Policy: 'policies',
};

/** The REST resource name (plural) of a kind, as the Kubernetes RESTMapper derives it for built-in kinds. */
export function resourceOfKind(kind: string): string {
  const known = RESOURCE_NAMES[kind];
  if (known !== undefined) return known;
  const lower = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** The receiver of `image.GetMetadata(...)` (Kyverno's image data library reads the registry). */
export class ImageDataLibrary {}
/** The receiver of `http.Get/Post(...)`. */
export class HttpLibrary {}
/** The receiver of `globalContext.Get(...)`. */
export class GlobalContextLibrary {}

function imageOf(s: string): CelImage {
  const parsed = parseContainerImageReference(s);
  if ('error' in parsed) throw new Error(parsed.error);
  return new CelImage(parsed.ref);
}

function re2Matches(text: string, pattern: string): boolean {
  const re = compileGoRegex(pattern);
  if ('error' in re) throw new Error(re.error.startsWith('error parsing regexp') ? re.error : `error parsing regexp: ${re.error}`);
  return re.test(text);
}

function celEquals(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' && typeof b === 'number') return Number(a) === b;
  if (typeof a === 'number' && typeof b === 'bigint') return a === Number(b);
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => celEquals(x, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => celEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function compare(a: unknown, b: unknown): number {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  throw new Error(`no such overload: comparison of ${typeof a} and ${typeof b}`);
}

function extreme(list: unknown[], sign: number, name: string): unknown {
  if (list.length === 0) throw new Error(`${name}(): list is empty`);
  let best = list[0];
  for (const v of list.slice(1)) if (compare(v, best) * sign > 0) best = v;
  return best;
}

/** Registers Kyverno's and Kubernetes' functions and library receivers in a cel-js environment. */
export function registerKyvernoLibrary(env: CelJs.Environment): void {
  env
    .registerType('kyverno.Image', CelImage)
    .registerType('kyverno.ResourceLibrary', ResourceLibrary)
    .registerType('kyverno.ImageDataLibrary', ImageDataLibrary)
    .registerType('kyverno.HttpLibrary', HttpLibrary)
    .registerType('kyverno.GlobalContextLibrary', GlobalContextLibrary)
    .registerVariable('resource', 'kyverno.ResourceLibrary')
    .registerVariable('image', 'kyverno.ImageDataLibrary')
    .registerVariable('http', 'kyverno.HttpLibrary')
    .registerVariable('globalContext', 'kyverno.GlobalContextLibrary');

  // Image library.
  env
    .registerFunction('image(string): kyverno.Image', imageOf)
    .registerFunction('parseImageReference(string): kyverno.Image', imageOf)
    .registerFunction('isImage(string): bool', (s: string) => !('error' in parseContainerImageReference(s)))
    .registerFunction('kyverno.Image.registry(): string', (i: CelImage) => imageRegistry(i.ref))
    .registerFunction('kyverno.Image.repository(): string', (i: CelImage) => imageRepository(i.ref))
    .registerFunction('kyverno.Image.identifier(): string', (i: CelImage) => imageIdentifier(i.ref))
    .registerFunction('kyverno.Image.tag(): string', (i: CelImage) => imageTag(i.ref))
    .registerFunction('kyverno.Image.digest(): string', (i: CelImage) => imageDigest(i.ref))
    .registerFunction('kyverno.Image.containsDigest(): bool', (i: CelImage) => imageContainsDigest(i.ref));

  // RE2 regular expressions, linear time (engine/jmespath's Go regexp engine).
  env
    .registerFunction(`string.${RE2_MATCH}(string): bool`, re2Matches)
    .registerFunction(`${RE2_MATCH}(string, string): bool`, re2Matches);

  // Kubernetes string extensions (cel-go ext.Strings) missing from cel-js.
  env
    .registerFunction('string.replace(string, string): string', (s: string, from: string, to: string) => s.split(from).join(to))
    .registerFunction('string.replace(string, string, int): string', (s: string, from: string, to: string, n: bigint) => replaceN(s, from, to, Number(n)))
    .registerFunction('string.charAt(int): string', (s: string, i: bigint) => charAt(s, Number(i)))
    .registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''));

  // Kubernetes list library.
  env
    .registerFunction('list.isSorted(): bool', (l: unknown[]) => l.every((v, i) => i === 0 || compare(l[i - 1], v) <= 0))
    .registerFunction('list.sum(): dyn', (l: unknown[]) => sum(l))
    .registerFunction('list.min(): dyn', (l: unknown[]) => extreme(l, -1, 'min'))
    .registerFunction('list.max(): dyn', (l: unknown[]) => extreme(l, 1, 'max'))
    .registerFunction('list.indexOf(dyn): int', (l: unknown[], v: unknown) => BigInt(l.findIndex((x) => celEquals(x, v))))
    .registerFunction('list.lastIndexOf(dyn): int', (l: unknown[], v: unknown) => {
      for (let i = l.length - 1; i >= 0; i--) if (celEquals(l[i], v)) return BigInt(i);
      return -1n;
    });

  // Data libraries.
  env
    .registerFunction('kyverno.ResourceLibrary.Get(string, string, string, string): dyn', (r: ResourceLibrary, a: string, b: string, c: string, d: string) => r.get(a, b, c, d))
    .registerFunction('kyverno.ResourceLibrary.get(string, string, string, string): dyn', (r: ResourceLibrary, a: string, b: string, c: string, d: string) => r.get(a, b, c, d))
    .registerFunction('kyverno.ResourceLibrary.List(string, string, string): dyn', (r: ResourceLibrary, a: string, b: string, c: string) => r.list(a, b, c))
    .registerFunction('kyverno.ResourceLibrary.list(string, string, string): dyn', (r: ResourceLibrary, a: string, b: string, c: string) => r.list(a, b, c))
    .registerFunction('kyverno.ImageDataLibrary.GetMetadata(string): dyn', (_l: ImageDataLibrary, ref: string) => {
      throw new OfflineDataError(`image.GetMetadata("${ref}") reads the image from its registry`);
    })
    .registerFunction('kyverno.HttpLibrary.Get(string): dyn', (_l: HttpLibrary, url: string) => {
      throw new OfflineDataError(`http.Get("${url}") calls a service`);
    })
    .registerFunction('kyverno.HttpLibrary.Post(string, dyn): dyn', (_l: HttpLibrary, url: string) => {
      throw new OfflineDataError(`http.Post("${url}") calls a service`);
    })
    .registerFunction('kyverno.GlobalContextLibrary.Get(string, string): dyn', (_l: GlobalContextLibrary, name: string) => {
      throw new OfflineDataError(`globalContext.Get("${name}") reads a GlobalContextEntry from the cluster`);
    });
}

function replaceN(s: string, from: string, to: string, n: number): string {
  if (n < 0) return s.split(from).join(to);
  let out = '';
  let rest = s;
  for (let i = 0; i < n; i++) {
    const at = from === '' ? (rest === '' ? -1 : 0) : rest.indexOf(from);
    if (at < 0) break;
    if (from === '') {
      out += to + rest[0];
      rest = rest.slice(1);
    } else {
      out += rest.slice(0, at) + to;
      rest = rest.slice(at + from.length);
    }
  }
  return out + rest;
}

function charAt(s: string, i: number): string {
  const chars = [...s];
  if (i < 0 || i > chars.length) throw new Error(`index out of range: ${i}`);
  return chars[i] ?? '';
}

function sum(l: unknown[]): unknown {
  if (l.length === 0) return 0n;
  if (l.every((v) => typeof v === 'bigint')) return (l as bigint[]).reduce((a, b) => a + b, 0n);
  if (l.every((v) => typeof v === 'number')) return (l as number[]).reduce((a, b) => a + b, 0);
  throw new Error('sum(): list must hold only ints or only doubles');
}
