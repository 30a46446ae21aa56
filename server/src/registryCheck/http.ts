// One HTTP exchange with a registry or token service, with the rules that keep credentials safe:
// only https (plain http only for loopback hosts, and only when the caller allows it), redirects followed
// by hand so an Authorization header never travels to a host other than the one it was meant for.
import { isLoopbackHost } from './target';

export type Fetch = typeof fetch;

export interface Exchange {
  fetch: Fetch;
  signal: AbortSignal;
  allowInsecureLoopback: boolean;
}

export interface RegistryRequest {
  method: 'HEAD' | 'GET';
  url: URL;
  headers: Record<string, string>;
  /** Sent only to `host` (host[:port]), never to a host a redirect leads to. */
  authorization?: { host: string; value: string };
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export class RefusedUrlError extends Error {}

export function isAllowedUrl(url: URL, allowInsecureLoopback: boolean): boolean {
  if (url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && allowInsecureLoopback && isLoopbackHost(url.host);
}

/** Sends the request, following up to five redirects; throws on network errors, aborts and refused URLs. */
export async function send(exchange: Exchange, request: RegistryRequest): Promise<Response> {
  let url = request.url;
  for (let hop = 0; ; hop++) {
    if (!isAllowedUrl(url, exchange.allowInsecureLoopback)) throw new RefusedUrlError(`refusing ${url.protocol}//${url.host}`);
    const headers: Record<string, string> = { ...request.headers };
    if (request.authorization && request.authorization.host === url.host) headers.Authorization = request.authorization.value;
    const response = await exchange.fetch(url, { method: request.method, headers, redirect: 'manual', signal: exchange.signal });
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return response;
    await discard(response);
    if (hop >= MAX_REDIRECTS) throw new RefusedUrlError('too many redirects');
    url = new URL(location, url);
  }
}

/** Releases a response body we do not read, so the connection can be reused. */
export async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // already consumed or errored: nothing to release
  }
}
