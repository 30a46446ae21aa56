// CatalogOptions checked and compiled once: user mappings into matchers, the pull-through cache into a
// registry host and prefixes. Every problem is reported as data and the offending part is left out.
import type { CatalogMapping, CatalogOptionProblem, CatalogOptions, PullThroughUpstream } from './model';
import { DOCKER_HUB, canonicalRegistry, normalizeRepository } from './reference';
import { isPathComponent, parseImageReference } from '../image/reference';

export interface CompiledMapping {
  index: number;
  /** Normalized `registry/repository` (exact) or `registry/prefix` (pattern; '' path = whole registry). */
  from: string;
  pattern: boolean;
  /** As the user wrote it, without the trailing `/*` of a pattern. */
  to: string;
  keepDigest: boolean;
}

export interface CompiledPullThrough {
  host: string;
  prefixes: Partial<Record<PullThroughUpstream, string>>;
}

export interface CompiledOptions {
  mappings: CompiledMapping[];
  disabled: ReadonlySet<string>;
  /** undefined when not asked for; null when asked for but unusable (see problems). */
  pullThroughCache: CompiledPullThrough | null | undefined;
  problems: CatalogOptionProblem[];
}

/** Upstream registry host of each pull-through cache rule kind the catalog builds URLs for. */
export const PULL_THROUGH_UPSTREAMS: Readonly<Record<PullThroughUpstream, string>> = {
  'docker-hub': DOCKER_HUB,
  'registry.k8s.io': 'registry.k8s.io',
  quay: 'quay.io',
  ghcr: 'ghcr.io',
  'ecr-public': 'public.ecr.aws',
};

const ACCOUNT = /^[0-9]{12}$/;
// Commercial-partition region names: two-letter area, one or more words, a number (us-east-1, ap-southeast-2,
// eu-central-1, il-central-1). Written as separate checks so no backtracking is possible.
const REGION_WORD = /^[a-z]+$/;
const REGION_NUMBER = /^[0-9]{1,2}$/;
// The ECR repository-name grammar (lower-case components joined by . _ - and /).
const ECR_REPOSITORY_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

export function compileOptions(options: CatalogOptions | undefined): CompiledOptions {
  const problems: CatalogOptionProblem[] = [];
  const mappings: CompiledMapping[] = [];
  (options?.mappings ?? []).forEach((mapping, index) => {
    const compiled = compileMapping(mapping, index, problems);
    if (compiled) mappings.push(compiled);
  });
  const disabled = new Set<string>();
  for (const id of options?.disabled ?? []) {
    if (typeof id !== 'string') continue;
    disabled.add(id);
    const repository = normalizeRepository(id);
    if (typeof repository === 'string') disabled.add(repository);
  }
  const pullThroughCache = options?.pullThroughCache === undefined ? undefined : compilePullThrough(options.pullThroughCache, problems);
  return { mappings, disabled, pullThroughCache, problems };
}

export function validateCatalogOptions(options: CatalogOptions | undefined): CatalogOptionProblem[] {
  return compileOptions(options).problems;
}

function compileMapping(mapping: CatalogMapping, index: number, problems: CatalogOptionProblem[]): CompiledMapping | undefined {
  const at = `mappings[${index}]`;
  if (mapping === null || typeof mapping !== 'object' || typeof mapping.from !== 'string' || typeof mapping.to !== 'string') {
    problems.push({ path: at, message: 'a mapping needs string "from" and "to"' });
    return undefined;
  }
  const fromIsPattern = mapping.from.endsWith('/*');
  const toIsPattern = mapping.to.endsWith('/*');
  if (fromIsPattern !== toIsPattern) {
    problems.push({ path: at, message: '"from" and "to" must both end in "/*" or neither' });
    return undefined;
  }
  const fromText = fromIsPattern ? mapping.from.slice(0, -2) : mapping.from;
  const toText = toIsPattern ? mapping.to.slice(0, -2) : mapping.to;
  if (fromText.includes('*') || toText.includes('*')) {
    problems.push({ path: at, message: 'only a trailing "/*" is supported as a wildcard' });
    return undefined;
  }
  const from = fromIsPattern ? normalizePrefix(fromText) : normalizeRepository(fromText);
  if (typeof from !== 'string') {
    problems.push({ path: `${at}.from`, message: `"${mapping.from}" is not a repository: ${from.error}` });
    return undefined;
  }
  const to = normalizeRepository(toText);
  if (typeof to !== 'string') {
    problems.push({ path: `${at}.to`, message: `"${mapping.to}" is not a repository: ${to.error}` });
    return undefined;
  }
  if (mapping.keepDigest !== undefined && typeof mapping.keepDigest !== 'boolean') {
    problems.push({ path: `${at}.keepDigest`, message: '"keepDigest" must be true or false' });
    return undefined;
  }
  return { index, from, pattern: fromIsPattern, to: toText, keepDigest: mapping.keepDigest === true };
}

/**
 * The part of a pattern before `/*`, normalized to `registry/path` (path may be empty): a registry
 * (`quay.io`), a registry and path (`quay.io/org`) or a Docker Hub namespace (`bitnami` is
 * `docker.io/bitnami`: a prefix names a namespace, so no `library/` is added).
 */
function normalizePrefix(text: string): string | { error: string } {
  if (text === '') return { error: 'a bare "*" would match every image' };
  const slash = text.indexOf('/');
  const first = slash < 0 ? text : text.slice(0, slash);
  const hasRegistry = /[.:]/.test(first) || first === 'localhost';
  const registry = hasRegistry ? canonicalRegistry(first) : DOCKER_HUB;
  const path = hasRegistry ? (slash < 0 ? '' : text.slice(slash + 1)) : text;
  if (hasRegistry) {
    const host = parseImageReference(`${first}/x`);
    if ('error' in host || host.domain !== first) return { error: `"${first}" is not a registry host` };
  }
  if (path !== '' && !path.split('/').every(isPathComponent)) {
    return { error: 'path components are lower-case letters and digits joined by . _ __ or -' };
  }
  return `${registry}/${path}`;
}

function compilePullThrough(options: CatalogOptions['pullThroughCache'], problems: CatalogOptionProblem[]): CompiledPullThrough | null {
  const at = 'pullThroughCache';
  if (options === null || typeof options !== 'object') {
    problems.push({ path: at, message: 'expected { account, region, prefixes }' });
    return null;
  }
  let ok = true;
  if (typeof options.account !== 'string' || !ACCOUNT.test(options.account)) {
    problems.push({ path: `${at}.account`, message: 'an AWS account id is 12 digits' });
    ok = false;
  }
  const regionProblem = checkRegion(options.region);
  if (regionProblem) {
    problems.push({ path: `${at}.region`, message: regionProblem });
    ok = false;
  }
  const prefixes: Partial<Record<PullThroughUpstream, string>> = {};
  const given = options.prefixes;
  if (given === null || typeof given !== 'object') {
    problems.push({ path: `${at}.prefixes`, message: 'expected an object of ECR repository prefixes per upstream' });
    ok = false;
  } else {
    for (const key of Object.keys(given)) {
      if (!Object.prototype.hasOwnProperty.call(PULL_THROUGH_UPSTREAMS, key)) {
        problems.push({ path: `${at}.prefixes.${key}`, message: `unknown upstream; known: ${Object.keys(PULL_THROUGH_UPSTREAMS).join(', ')}` });
        continue;
      }
      const upstream = key as PullThroughUpstream;
      const raw = given[upstream];
      if (raw === undefined) continue;
      // ECR always reads a "/" after the prefix, so a written trailing "/" means the same rule.
      const prefix = typeof raw === 'string' && raw.endsWith('/') ? raw.slice(0, -1) : raw;
      if (prefix === 'ROOT') {
        problems.push({ path: `${at}.prefixes.${key}`, message: 'ROOT is for ECR-to-ECR rules; the catalog needs a named prefix' });
        continue;
      }
      if (typeof prefix !== 'string' || !ECR_REPOSITORY_NAME.test(prefix)) {
        problems.push({ path: `${at}.prefixes.${key}`, message: 'an ECR repository prefix is lower-case letters and digits joined by . _ - or /' });
        continue;
      }
      prefixes[upstream] = prefix;
    }
  }
  if (!ok) return null;
  return { host: `${options.account}.dkr.ecr.${options.region}.amazonaws.com`, prefixes };
}

function checkRegion(region: unknown): string | undefined {
  if (typeof region !== 'string') return 'a region name such as us-east-1 is expected';
  const parts = region.split('-');
  const shaped = parts.length >= 3 && /^[a-z]{2}$/.test(parts[0]) && REGION_NUMBER.test(parts[parts.length - 1])
    && parts.slice(1, -1).every((word) => REGION_WORD.test(word));
  if (!shaped) return `"${region}" is not an AWS region name such as us-east-1`;
  if (parts[0] === 'cn') return 'pull through cache rules are not supported in the China Regions (and their registries are not under amazonaws.com)';
  if (parts[0] === 'us' && parts[1] === 'gov') return 'pull through cache rules are not supported in the AWS GovCloud (US) Regions';
  return undefined;
}
