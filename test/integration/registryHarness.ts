// A real OCI registry on loopback for the registry-check tests: Debian's `docker-registry` (distribution
// 2.8) started with a generated config, either behind htpasswd Basic auth or behind token auth served by
// a small JWT token service written here. Images are pushed with plain HTTP (no docker CLI).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repoRoot } from '../support/paths';

// --- tools -------------------------------------------------------------------------------------------

export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin', '/usr/sbin'])) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The tools these tests need and the apt package each comes from; empty when all are installed. */
export function missingTools(): string[] {
  const needed: [string, string][] = [['docker-registry', 'docker-registry'], ['htpasswd', 'apache2-utils'], ['openssl', 'openssl']];
  return needed.filter(([tool]) => findExecutable(tool) === undefined).map(([tool, pkg]) => `${tool} (apt package ${pkg})`);
}

/**
 * Registers `suite` when the registry tools are installed. Without them it is a visible skip outside CI,
 * and a failing test with CI=true, where e2e/setup.sh must have installed them.
 */
export function withRegistryTools(title: string, suite: () => void): void {
  const missing = missingTools();
  if (missing.length === 0) {
    suite();
  } else if (process.env.CI !== 'true') {
    const reason = `missing ${missing.join(', ')}; run e2e/setup.sh`;
    console.log(`SKIPPED ${title} integration tests: ${reason}`);
    test(`${title} against a real registry`, { skip: reason }, () => {});
  } else {
    test(`${title} against a real registry: tools installed`, () => {
      assert.fail(`CI=true and ${missing.join(', ')} not installed (e2e/setup.sh installs them)`);
    });
  }
}

// --- scratch space and ports ------------------------------------------------------------------------------

export function scratchDir(prefix: string): string {
  const base = path.join(repoRoot, '.tmp');
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, prefix));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

// --- the registry process ----------------------------------------------------------------------------

export interface RunningRegistry {
  host: string;                 // 127.0.0.1:<port>
  baseUrl: string;              // http://127.0.0.1:<port>
  log(): string;
  stop(): Promise<void>;
}

export type RegistryAuth =
  | { kind: 'htpasswd'; htpasswdFile: string }
  | { kind: 'token'; realm: string; service: string; issuer: string; rootCertBundle: string };

export async function startRegistry(dir: string, auth: RegistryAuth): Promise<RunningRegistry> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const authConfig = auth.kind === 'htpasswd'
    ? { htpasswd: { realm: 'registry-guard-test', path: auth.htpasswdFile } }
    : { token: { realm: auth.realm, service: auth.service, issuer: auth.issuer, rootcertbundle: auth.rootCertBundle } };
  // YAML is a superset of JSON, so the config is written as JSON.
  const config = {
    version: '0.1',
    log: { level: 'warn', formatter: 'text', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: path.join(dir, 'storage') }, maintenance: { uploadpurging: { enabled: false } } },
    http: { addr: host, secret: randomBytes(16).toString('hex') },
    auth: authConfig,
  };
  const configFile = path.join(dir, 'config.yml');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const binary = findExecutable('docker-registry');
  if (!binary) throw new Error('docker-registry is not installed');
  const child: ChildProcess = spawn(binary, ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  const killOnExit = (): void => { child.kill('SIGKILL'); };
  process.once('exit', killOnExit);
  const baseUrl = `http://${host}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) throw new Error(`docker-registry exited during start-up:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/v2/`);
      await response.body?.cancel();
      break; // any HTTP answer (200 or 401) means it is serving
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`docker-registry did not start within 15 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    host,
    baseUrl,
    log: () => output,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (!exited) child.kill('SIGTERM');
      await exit;
    },
  };
}

export function writeHtpasswd(file: string, username: string, password: string): void {
  const r = spawnSync('htpasswd', ['-Bbn', username, password], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`htpasswd failed: ${r.stderr}`);
  fs.writeFileSync(file, r.stdout);
}

// --- token service ---------------------------------------------------------------------------------------

export interface TokenRequest { scope: string[]; service: string | null; authorization: string | undefined }

export interface TokenService {
  realm: string;
  host: string;
  requests: TokenRequest[];
  close(): Promise<void>;
}

export interface SigningKey { key: KeyObject; certDerBase64: string; certFile: string }

/** A P-256 key and a self-signed certificate from openssl; the certificate is the registry's root bundle. */
export function generateSigningKey(dir: string): SigningKey {
  const keyFile = path.join(dir, 'token-key.pem');
  const certFile = path.join(dir, 'token-cert.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=registry-guard-test-token'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  const cert = new X509Certificate(fs.readFileSync(certFile));
  return { key: createPrivateKey(fs.readFileSync(keyFile)), certDerBase64: cert.raw.toString('base64'), certFile };
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Signs a registry token (ES256, the certificate in `x5c`, as distribution's token verifier expects). */
export function signToken(signing: SigningKey, claims: Record<string, unknown>): string {
  const header = { typ: 'JWT', alg: 'ES256', x5c: [signing.certDerBase64] };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(unsigned), { key: signing.key, dsaEncoding: 'ieee-p1363' });
  return `${unsigned}.${base64url(signature)}`;
}

/**
 * Anonymous requests get `pull` only; a Basic header with the pusher's credentials gets what it asks for.
 * Every request is recorded, so tests can see which headers reached the token service.
 */
export async function startTokenService(options: { signing: SigningKey; service: string; issuer: string; pusher: { username: string; password: string } }): Promise<TokenService> {
  const requests: TokenRequest[] = [];
  const pusherAuthorization = `Basic ${Buffer.from(`${options.pusher.username}:${options.pusher.password}`).toString('base64')}`;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    const scopes = url.searchParams.getAll('scope');
    requests.push({ scope: scopes, service: url.searchParams.get('service'), authorization: req.headers.authorization });
    if (url.pathname !== '/token') {
      res.writeHead(404).end();
      return;
    }
    const pusher = req.headers.authorization === pusherAuthorization;
    if (req.headers.authorization !== undefined && !pusher) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    const access = scopes.map((scope) => {
      const first = scope.indexOf(':');
      const last = scope.lastIndexOf(':');
      const actions = scope.slice(last + 1).split(',').filter((a) => pusher || a === 'pull');
      return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
    });
    const now = Math.floor(Date.now() / 1000);
    const token = signToken(options.signing, {
      iss: options.issuer, sub: pusher ? options.pusher.username : '', aud: options.service,
      exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access,
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  const address = await listen(server);
  const host = `127.0.0.1:${address.port}`;
  return { realm: `http://${host}/token`, host, requests, close: () => closeServer(server) };
}

const openSockets = new WeakMap<net.Server, Set<net.Socket>>();

/** Listens on a free loopback port, remembering connections so closeServer can end silent ones too. */
export function listen(server: http.Server | net.Server): Promise<net.AddressInfo> {
  const sockets = new Set<net.Socket>();
  openSockets.set(server, sockets);
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address() as net.AddressInfo));
  });
}

export function closeServer(server: http.Server | net.Server): Promise<void> {
  for (const socket of openSockets.get(server) ?? []) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

// --- pushing an image with plain HTTP ---------------------------------------------------------------------

export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface PushedImage {
  repository: string;
  /** tag -> manifest digest */
  digests: Record<'oci-manifest' | 'docker-v2' | 'oci-index' | 'docker-list', string>;
}

/**
 * Pushes one config and one layer blob and four manifests to `repository`: an OCI manifest, a Docker v2
 * manifest, and an OCI index and a Docker manifest list whose only platform is linux/s390x (so a registry
 * cannot answer a client that does not accept indexes with an amd64 manifest instead).
 */
export async function pushTestImage(baseUrl: string, repository: string, authorization: string): Promise<PushedImage> {
  const layer = gzipSync(Buffer.from('registry-guard test layer\n'));
  const diffId = sha256(Buffer.from('registry-guard test layer\n'));
  const config = Buffer.from(JSON.stringify({ architecture: 's390x', os: 'linux', rootfs: { type: 'layers', diff_ids: [diffId] }, config: {} }));
  await pushBlob(baseUrl, repository, config, authorization);
  await pushBlob(baseUrl, repository, layer, authorization);

  const oci = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: MEDIA.ociManifest,
    config: { mediaType: MEDIA.ociConfig, digest: sha256(config), size: config.length },
    layers: [{ mediaType: MEDIA.ociLayer, digest: sha256(layer), size: layer.length }],
  }));
  const docker = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: MEDIA.dockerManifest,
    config: { mediaType: MEDIA.dockerConfig, digest: sha256(config), size: config.length },
    layers: [{ mediaType: MEDIA.dockerLayer, digest: sha256(layer), size: layer.length }],
  }));
  await pushManifest(baseUrl, repository, 'oci-manifest', oci, MEDIA.ociManifest, authorization);
  await pushManifest(baseUrl, repository, 'docker-v2', docker, MEDIA.dockerManifest, authorization);
  const platform = { architecture: 's390x', os: 'linux' };
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: MEDIA.ociIndex,
    manifests: [{ mediaType: MEDIA.ociManifest, digest: sha256(oci), size: oci.length, platform }],
  }));
  const list = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: MEDIA.dockerList,
    manifests: [{ mediaType: MEDIA.dockerManifest, digest: sha256(docker), size: docker.length, platform }],
  }));
  await pushManifest(baseUrl, repository, 'oci-index', index, MEDIA.ociIndex, authorization);
  await pushManifest(baseUrl, repository, 'docker-list', list, MEDIA.dockerList, authorization);
  return { repository, digests: { 'oci-manifest': sha256(oci), 'docker-v2': sha256(docker), 'oci-index': sha256(index), 'docker-list': sha256(list) } };
}

async function pushBlob(baseUrl: string, repository: string, blob: Buffer, authorization: string): Promise<void> {
  const start = await fetch(`${baseUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: { Authorization: authorization } });
  await expectStatus(start, 202, 'start blob upload');
  const location = new URL(start.headers.get('location') ?? '', baseUrl);
  location.searchParams.set('digest', sha256(blob));
  const put = await fetch(location, { method: 'PUT', headers: { Authorization: authorization, 'Content-Type': 'application/octet-stream' }, body: blob });
  await expectStatus(put, 201, 'finish blob upload');
}

async function pushManifest(baseUrl: string, repository: string, tag: string, body: Buffer, mediaType: string, authorization: string): Promise<void> {
  const put = await fetch(`${baseUrl}/v2/${repository}/manifests/${tag}`, { method: 'PUT', headers: { Authorization: authorization, 'Content-Type': mediaType }, body });
  await expectStatus(put, 201, `push manifest ${tag}`);
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${text}`);
}

// --- watching what the checker sends -------------------------------------------------------------------

export interface SentRequest { method: string; url: URL; authorization: string | null }

/** The real fetch, with every request the checker makes recorded. */
export function recordingFetch(): { fetch: typeof fetch; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const wrapped: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers);
    sent.push({ method: init?.method ?? 'GET', url, authorization: headers.get('authorization') });
    return fetch(input, init);
  };
  return { fetch: wrapped, sent };
}
