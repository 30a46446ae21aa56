// Does a rewrite target exist? A HEAD of its manifest over the OCI distribution API, with the
// anonymous token flow registries like public.ecr.aws use. Off by default and only ever called
// explicitly: importing this module or constructing a checker makes no request.
//
// Every failure (timeout, refused connection, odd status, malformed token response) is
// 'not-verified', never 'missing': only a registry's own 404 for the manifest says a target is absent.
import { parseChallenges, type Challenge } from './challenge';
import { discard, send, type Exchange, type Fetch } from './http';
import { isLoopbackHost, manifestTarget, registryApiHost, type ManifestTarget } from './target';

export type RegistryCheckResult = 'exists' | 'missing' | 'not-verified';

export interface RegistryCredentials { username: string; password: string }

export interface RegistryCheckerOptions {
  /** Budget for one lookup, every request of it included. Default 3000 ms. */
  timeoutMs?: number;
  /** How long each kind of answer is cached. Defaults: found 10 min, missing 1 min, error 1 min. */
  ttlMs?: Partial<{ found: number; missing: number; error: number }>;
  /** Defaults to Node's global fetch. */
  fetch?: Fetch;
  /**
   * Basic credentials by registry host (`host[:port]`; `docker.io` means Docker Hub's API host). They are
   * sent only after that host's own Basic challenge, or to a token realm on that same host.
   */
  credentials?: Record<string, RegistryCredentials>;
  /** Allows plain http:// to 127.0.0.1, localhost and [::1] (tests). Every other host needs https. */
  allowInsecureLoopback?: boolean;
  /** Clock for cache expiry; defaults to Date.now. */
  now?: () => number;
  /** Cached answers kept at most; the oldest go first. Default 1000. */
  maxEntries?: number;
}

/** Accept values for OCI index/manifest and Docker manifest list/v2, so no registry down-converts or hides one. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

const DEFAULT_TIMEOUT_MS = 3000;
const DEFAULT_TTL = { found: 10 * 60_000, missing: 60_000, error: 60_000 };
const DEFAULT_MAX_ENTRIES = 1000;
/** Token lifetime when the token service does not say (the distribution token spec's default). */
const DEFAULT_TOKEN_SECONDS = 60;
const USER_AGENT = 'registry-guard';

interface CachedAnswer { result: RegistryCheckResult; expiresAt: number }
interface CachedAuthorization { value: string; expiresAt: number }

export class RegistryChecker {
  private readonly timeoutMs: number;
  private readonly ttl: { found: number; missing: number; error: number };
  private readonly fetchImpl: Fetch | undefined;
  private readonly credentials = new Map<string, RegistryCredentials>();
  private readonly allowInsecureLoopback: boolean;
  private readonly now: () => number;
  private readonly maxEntries: number;
  private readonly answers = new Map<string, CachedAnswer>();
  private readonly inFlight = new Map<string, Promise<RegistryCheckResult>>();
  /** Authorization that worked for a repository (`host/repository`), reused until it expires or is refused. */
  private readonly authorizations = new Map<string, CachedAuthorization>();

  constructor(options: RegistryCheckerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.ttl = { ...DEFAULT_TTL, ...options.ttlMs };
    this.fetchImpl = options.fetch;
    for (const [host, credentials] of Object.entries(options.credentials ?? {})) {
      this.credentials.set(registryApiHost(host), credentials);
    }
    this.allowInsecureLoopback = options.allowInsecureLoopback ?? false;
    this.now = options.now ?? Date.now;
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
  }

  /** The cached answer for an image, without any request; undefined when unknown or expired. */
  peek(image: string): RegistryCheckResult | undefined {
    const target = manifestTarget(image);
    if ('error' in target) return undefined;
    return this.cached(target.key);
  }

  /** Asks the registry whether the image's tag or digest exists. Never rejects. */
  check(image: string): Promise<RegistryCheckResult> {
    const target = manifestTarget(image);
    if ('error' in target) return Promise.resolve('not-verified');
    const cached = this.cached(target.key);
    if (cached !== undefined) return Promise.resolve(cached);
    const pending = this.inFlight.get(target.key);
    if (pending) return pending;
    const lookup = this.lookup(target).then((result) => {
      this.inFlight.delete(target.key);
      this.remember(target.key, result);
      return result;
    });
    this.inFlight.set(target.key, lookup);
    return lookup;
  }

  /** Forgets every cached answer and authorization. */
  clear(): void {
    this.answers.clear();
    this.authorizations.clear();
  }

  private cached(key: string): RegistryCheckResult | undefined {
    const entry = this.answers.get(key);
    if (!entry) return undefined;
    if (this.now() < entry.expiresAt) return entry.result;
    this.answers.delete(key);
    return undefined;
  }

  private remember(key: string, result: RegistryCheckResult): void {
    const ttl = result === 'exists' ? this.ttl.found : result === 'missing' ? this.ttl.missing : this.ttl.error;
    this.answers.delete(key);
    this.answers.set(key, { result, expiresAt: this.now() + ttl });
    while (this.answers.size > this.maxEntries) {
      const oldest = this.answers.keys().next().value;
      if (oldest === undefined) break;
      this.answers.delete(oldest);
    }
  }

  private async lookup(target: ManifestTarget): Promise<RegistryCheckResult> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    timer.unref?.();
    try {
      const exchange: Exchange = {
        // Read the global at call time, so nothing touches fetch before a lookup is asked for.
        fetch: this.fetchImpl ?? globalThis.fetch,
        signal: controller.signal,
        allowInsecureLoopback: this.allowInsecureLoopback,
      };
      return await this.headManifest(exchange, target);
    } catch {
      return 'not-verified';
    } finally {
      clearTimeout(timer);
    }
  }

  private async headManifest(exchange: Exchange, target: ManifestTarget): Promise<RegistryCheckResult> {
    const scheme = exchange.allowInsecureLoopback && isLoopbackHost(target.host) ? 'http' : 'https';
    const url = new URL(`${scheme}://${target.host}/v2/${target.repository}/manifests/${target.reference}`);
    const headers = { Accept: MANIFEST_MEDIA_TYPES.join(', '), 'User-Agent': USER_AGENT };
    const repositoryKey = `${target.host}/${target.repository}`;
    const head = (authorization?: string): Promise<Response> =>
      send(exchange, { method: 'HEAD', url, headers, authorization: authorization === undefined ? undefined : { host: url.host, value: authorization } });

    const remembered = this.authorizations.get(repositoryKey);
    let response: Response;
    if (remembered && this.now() < remembered.expiresAt) {
      response = await head(remembered.value);
      if (response.status !== 401) return classify(response, target);
      this.authorizations.delete(repositoryKey); // expired or revoked: start over with the challenge below
      await discard(response);
    }
    response = await head();
    if (response.status !== 401) return classify(response, target);
    const challenges = parseChallenges(response.headers.get('www-authenticate') ?? '');
    await discard(response);

    const authorization = await this.answerChallenges(exchange, challenges, url, target);
    if (authorization === undefined) return 'not-verified';
    response = await head(authorization.value);
    if (response.status === 401) {
      await discard(response);
      return 'not-verified';
    }
    this.authorizations.set(repositoryKey, authorization);
    return classify(response, target);
  }

  /** The Authorization value answering the registry's challenge, or undefined when none can be given. */
  private async answerChallenges(exchange: Exchange, challenges: Challenge[], registryUrl: URL, target: ManifestTarget): Promise<CachedAuthorization | undefined> {
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    if (bearer) return this.fetchToken(exchange, bearer, target);
    const basic = challenges.find((c) => c.scheme === 'basic');
    const credentials = this.credentials.get(registryUrl.host);
    if (basic && credentials) {
      // Static credentials: worth remembering as long as an answer that exists.
      return { value: basicAuthorization(credentials), expiresAt: this.now() + this.ttl.found };
    }
    return undefined;
  }

  /** The anonymous token flow: GET the realm with service and scope; credentials only to their own host. */
  private async fetchToken(exchange: Exchange, challenge: Challenge, target: ManifestTarget): Promise<CachedAuthorization | undefined> {
    const realm = new URL(challenge.params.realm);
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
    realm.searchParams.set('scope', challenge.params.scope || `repository:${target.repository}:pull`);
    const credentials = this.credentials.get(realm.host);
    const response = await send(exchange, {
      method: 'GET',
      url: realm,
      headers: { Accept: 'application/json', 'User-Agent': USER_AGENT },
      authorization: credentials ? { host: realm.host, value: basicAuthorization(credentials) } : undefined,
    });
    if (response.status !== 200) {
      await discard(response);
      return undefined;
    }
    const body: unknown = await response.json();
    if (typeof body !== 'object' || body === null) return undefined;
    const fields = body as Record<string, unknown>;
    const token = typeof fields.token === 'string' && fields.token !== '' ? fields.token : fields.access_token;
    if (typeof token !== 'string' || token === '' || !/^[\x21-\x7e]+$/.test(token)) return undefined;
    const seconds = typeof fields.expires_in === 'number' && fields.expires_in > 0 ? fields.expires_in : DEFAULT_TOKEN_SECONDS;
    // Renew a little early so a token does not expire between the cache check and the request.
    return { value: `Bearer ${token}`, expiresAt: this.now() + Math.max(0, seconds - 10) * 1000 };
  }
}

function basicAuthorization(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

const KNOWN_MEDIA_TYPES = new Set<string>(MANIFEST_MEDIA_TYPES);

/** A registry's answer to the manifest HEAD. A 200 must look like a manifest, or it is not trusted. */
async function classify(response: Response, target: ManifestTarget): Promise<RegistryCheckResult> {
  await discard(response);
  if (response.status === 404) return 'missing';
  if (response.status !== 200) return 'not-verified';
  const digest = response.headers.get('docker-content-digest');
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (digest === null && !KNOWN_MEDIA_TYPES.has(mediaType)) return 'not-verified';
  if (digest !== null && target.byDigest && digest !== target.reference) return 'not-verified';
  return 'exists';
}
