// The optional rewrite-target existence check against a REAL registry (Debian's docker-registry,
// distribution 2.8) on loopback: once behind htpasswd Basic auth, once behind token auth with a JWT token
// service written in the harness. The misbehaving-server cases (silence, garbage, redirects) use tiny
// node servers, since a well-behaved registry cannot produce them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { RegistryChecker } from '../../server/src/registryCheck';
import {
  closeServer, generateSigningKey, listen, withRegistryTools, pushTestImage, recordingFetch, scratchDir, sha256,
  startRegistry, startTokenService, writeHtpasswd, MEDIA, type PushedImage, type RunningRegistry, type TokenService,
} from './registryHarness';

const REPOSITORY = 'team/app';
const PUSHER = { username: 'pusher', password: 'correct horse battery staple' };
const UNKNOWN_DIGEST = sha256('no manifest has these bytes');
const TAGS = ['oci-manifest', 'docker-v2', 'oci-index', 'docker-list'] as const;

withRegistryTools('registry check', () => {
  describe('registry with htpasswd Basic auth', { timeout: 120_000 }, () => {
    let dir: string;
    let registry: RunningRegistry;
    let pushed: PushedImage;
    const basic = `Basic ${Buffer.from(`${PUSHER.username}:${PUSHER.password}`).toString('base64')}`;
    const image = (reference: string): string => `${registry.host}/${REPOSITORY}${reference}`;
    const checker = (extra: ConstructorParameters<typeof RegistryChecker>[0] = {}) => {
      const recording = recordingFetch();
      const instance = new RegistryChecker({ allowInsecureLoopback: true, credentials: { [registry.host]: PUSHER }, fetch: recording.fetch, ...extra });
      return { checker: instance, sent: recording.sent };
    };

    before(async () => {
      dir = scratchDir('registry-basic-');
      writeHtpasswd(path.join(dir, 'htpasswd'), PUSHER.username, PUSHER.password);
      registry = await startRegistry(dir, { kind: 'htpasswd', htpasswdFile: path.join(dir, 'htpasswd') });
      pushed = await pushTestImage(registry.baseUrl, REPOSITORY, basic);
    });
    after(async () => {
      await registry?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    test('every pushed manifest kind exists, by tag and by digest', async () => {
      const { checker: c } = checker();
      for (const tag of TAGS) {
        assert.equal(await c.check(image(`:${tag}`)), 'exists', tag);
        assert.equal(await c.check(image(`@${pushed.digests[tag]}`)), 'exists', `${tag} by digest`);
      }
      assert.equal(await c.check(image(`:oci-index@${pushed.digests['oci-index']}`)), 'exists', 'tag and digest');
    });

    test('control: without the index Accept values the registry hides the s390x-only index (so the Accept list matters)', async () => {
      const response = await fetch(`${registry.baseUrl}/v2/${REPOSITORY}/manifests/oci-index`, {
        method: 'HEAD', headers: { Authorization: basic, Accept: MEDIA.dockerManifest },
      });
      assert.equal(response.status, 404);
    });

    test('an unknown tag, digest or repository is missing', async () => {
      const { checker: c } = checker();
      assert.equal(await c.check(image(':no-such-tag')), 'missing');
      assert.equal(await c.check(image(`@${UNKNOWN_DIGEST}`)), 'missing');
      assert.equal(await c.check(`${registry.host}/team/no-such-repository:oci-manifest`), 'missing');
    });

    test('credentials are sent only after the registry host\'s own Basic challenge', async () => {
      const { checker: c, sent } = checker();
      assert.equal(await c.check(image(':docker-v2')), 'exists');
      assert.deepEqual(sent.map((s) => [s.method, s.url.host, s.authorization]), [
        ['HEAD', registry.host, null],
        ['HEAD', registry.host, basic],
      ]);
    });

    test('without credentials for this host nothing is sent and the answer is not-verified (not missing)', async () => {
      const decoyHost = '127.0.0.1:9'; // same address, another port: another host
      const { checker: c, sent } = checker({ credentials: { [decoyHost]: PUSHER } });
      assert.equal(await c.check(image(':oci-manifest')), 'not-verified');
      assert.ok(sent.length > 0);
      assert.ok(sent.every((s) => s.authorization === null && s.url.host === registry.host), JSON.stringify(sent));
    });

    test('a wrong password is not-verified', async () => {
      const { checker: c } = checker({ credentials: { [registry.host]: { username: PUSHER.username, password: 'wrong' } } });
      assert.equal(await c.check(image(':oci-manifest')), 'not-verified');
    });

    test('a second check is answered from the cache; concurrent checks share one lookup; spellings of one reference share an entry', async () => {
      const { checker: c, sent } = checker();
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => c.check(image(':oci-index'))));
      assert.deepEqual(results, ['exists', 'exists', 'exists', 'exists', 'exists']);
      const afterFirst = sent.length;
      assert.equal(afterFirst, 2, 'one challenge round trip for five concurrent checks');
      assert.equal(await c.check(image(':oci-index')), 'exists');
      assert.equal(c.peek(image(':oci-index')), 'exists');
      assert.equal(sent.length, afterFirst, 'the second check made no request');
      assert.equal(await c.check(image(':no-such-tag')), 'missing');
      const afterMissing = sent.length;
      assert.equal(await c.check(image(':no-such-tag')), 'missing');
      assert.equal(sent.length, afterMissing, 'missing answers are cached too');
      assert.equal(c.peek(image('')), undefined);
      await c.check(image(':latest'));
      const afterLatest = sent.length;
      assert.equal(await c.check(image('')), 'missing', 'no tag means latest, which was not pushed');
      assert.equal(sent.length, afterLatest, '`repo` and `repo:latest` are one cache entry');
    });

    test('answers expire: found after 10 minutes, missing after 1 minute', async () => {
      let clock = 1_000_000;
      const { checker: c, sent } = checker({ now: () => clock });
      assert.equal(await c.check(image(':docker-list')), 'exists');
      assert.equal(await c.check(image(':gone')), 'missing');
      const base = sent.length;
      clock += 59_000;
      await c.check(image(':docker-list'));
      await c.check(image(':gone'));
      assert.equal(sent.length, base, 'both still cached at 59 s');
      clock += 2_000;
      assert.equal(await c.check(image(':gone')), 'missing');
      assert.ok(sent.length > base, 'missing re-asked after 1 minute');
      const afterMissing = sent.length;
      await c.check(image(':docker-list'));
      assert.equal(sent.length, afterMissing, 'found still cached at 61 s');
      clock += 10 * 60_000;
      assert.equal(await c.check(image(':docker-list')), 'exists');
      assert.ok(sent.length > afterMissing, 'found re-asked after 10 minutes');
    });

    test('a stopped registry is not-verified', async () => {
      const { checker: c } = checker();
      assert.equal(await c.check(image(':oci-manifest')), 'exists');
      await registry.stop();
      assert.equal(await c.check(image(':docker-v2')), 'not-verified');
      assert.equal(c.peek(image(':oci-manifest')), 'exists', 'earlier answers stay cached');
    });
  });

  describe('registry with token auth (anonymous bearer flow)', { timeout: 120_000 }, () => {
    const SERVICE = 'registry-guard-test';
    const ISSUER = 'registry-guard-test-issuer';
    let dir: string;
    let tokens: TokenService;
    let registry: RunningRegistry;
    let pushed: PushedImage;
    const image = (reference: string): string => `${registry.host}/${REPOSITORY}${reference}`;

    before(async () => {
      dir = scratchDir('registry-token-');
      const signing = generateSigningKey(dir);
      tokens = await startTokenService({ signing, service: SERVICE, issuer: ISSUER, pusher: PUSHER });
      registry = await startRegistry(dir, { kind: 'token', realm: tokens.realm, service: SERVICE, issuer: ISSUER, rootCertBundle: signing.certFile });
      const pushToken = await fetch(`${tokens.realm}?service=${SERVICE}&scope=repository:${REPOSITORY}:pull,push`, {
        headers: { Authorization: `Basic ${Buffer.from(`${PUSHER.username}:${PUSHER.password}`).toString('base64')}` },
      });
      const { token } = (await pushToken.json()) as { token: string };
      pushed = await pushTestImage(registry.baseUrl, REPOSITORY, `Bearer ${token}`);
      tokens.requests.length = 0;
    });
    after(async () => {
      await registry?.stop();
      await tokens?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    test('401 challenge, anonymous token from the realm, retry with the bearer token', async () => {
      const recording = recordingFetch();
      const c = new RegistryChecker({ allowInsecureLoopback: true, fetch: recording.fetch });
      assert.equal(await c.check(image(':oci-index')), 'exists');
      const steps = recording.sent.map((s) => [s.method, s.url.host, s.authorization?.split(' ')[0] ?? null]);
      assert.deepEqual(steps, [['HEAD', registry.host, null], ['GET', tokens.host, null], ['HEAD', registry.host, 'Bearer']]);
      assert.deepEqual(tokens.requests, [{ scope: [`repository:${REPOSITORY}:pull`], service: SERVICE, authorization: undefined }]);
    });

    test('exists and missing through the token flow', async () => {
      const c = new RegistryChecker({ allowInsecureLoopback: true });
      for (const tag of TAGS) assert.equal(await c.check(image(`:${tag}`)), 'exists', tag);
      assert.equal(await c.check(image(`@${pushed.digests['docker-list']}`)), 'exists');
      assert.equal(await c.check(image(':no-such-tag')), 'missing');
      assert.equal(await c.check(image(`@${UNKNOWN_DIGEST}`)), 'missing');
      assert.equal(await c.check(`${registry.host}/nobody/here:1.0`), 'missing');
    });

    test('a token is reused for the same repository until it is refused', async () => {
      const recording = recordingFetch();
      const c = new RegistryChecker({ allowInsecureLoopback: true, fetch: recording.fetch });
      await c.check(image(':oci-manifest'));
      const before = recording.sent.length;
      assert.equal(await c.check(image(':docker-v2')), 'exists');
      assert.deepEqual(recording.sent.slice(before).map((s) => [s.method, s.url.host]), [['HEAD', registry.host]], 'one HEAD with the remembered token');
    });

    test('credentials for the registry host never reach a token realm on another host', async () => {
      tokens.requests.length = 0;
      const recording = recordingFetch();
      const c = new RegistryChecker({ allowInsecureLoopback: true, fetch: recording.fetch, credentials: { [registry.host]: PUSHER } });
      assert.equal(await c.check(image(':docker-list')), 'exists');
      assert.equal(tokens.requests.length, 1);
      assert.equal(tokens.requests[0].authorization, undefined);
      assert.ok(recording.sent.every((s) => s.authorization === null || s.authorization.startsWith('Bearer ')), 'no Basic header anywhere');
    });

    test('credentials configured for the realm host are used there (and only there)', async () => {
      tokens.requests.length = 0;
      const recording = recordingFetch();
      const c = new RegistryChecker({ allowInsecureLoopback: true, fetch: recording.fetch, credentials: { [tokens.host]: PUSHER } });
      assert.equal(await c.check(image(':oci-manifest')), 'exists');
      assert.equal(tokens.requests.length, 1);
      assert.match(tokens.requests[0].authorization ?? '', /^Basic /);
      assert.ok(recording.sent.filter((s) => s.url.host === registry.host).every((s) => !s.authorization?.startsWith('Basic')));
    });

    test('a token service that is down is not-verified', async () => {
      await tokens.close();
      const c = new RegistryChecker({ allowInsecureLoopback: true });
      assert.equal(await c.check(image(':oci-manifest')), 'not-verified');
    });
  });

  describe('misbehaving servers (tiny node servers, not a registry)', { timeout: 60_000 }, () => {
    const servers: (http.Server | net.Server)[] = [];
    after(async () => {
      for (const s of servers) await closeServer(s);
    });
    async function serve(handler: http.RequestListener): Promise<string> {
      const server = http.createServer(handler);
      servers.push(server);
      return `127.0.0.1:${(await listen(server)).port}`;
    }
    const manifestHeaders = { 'content-type': MEDIA.ociManifest, 'docker-content-digest': sha256('x') };

    test('a server that never answers is not-verified once the timeout aborts the lookup', async () => {
      const server = net.createServer(() => { /* accept and stay silent */ });
      servers.push(server);
      const host = `127.0.0.1:${(await listen(server)).port}`;
      const c = new RegistryChecker({ allowInsecureLoopback: true, timeoutMs: 200 });
      assert.equal(await c.check(`${host}/team/app:1`), 'not-verified');
    });

    test('bytes that are not HTTP are not-verified', async () => {
      const server = net.createServer((socket) => socket.end('this is not HTTP\r\n\r\n'));
      servers.push(server);
      const host = `127.0.0.1:${(await listen(server)).port}`;
      assert.equal(await new RegistryChecker({ allowInsecureLoopback: true }).check(`${host}/team/app:1`), 'not-verified');
    });

    test('a 200 that is not a manifest (an HTML page), a 500, and a token realm answering garbage are not-verified', async () => {
      const html = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'));
      const broken = await serve((_req, res) => res.writeHead(500).end());
      const garbageRealm = await serve((req, res) => {
        if (req.url?.startsWith('/token')) res.writeHead(200, { 'content-type': 'application/json' }).end('{not json');
        else res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${req.headers.host}/token",service="x"` }).end();
      });
      const c = new RegistryChecker({ allowInsecureLoopback: true });
      assert.equal(await c.check(`${html}/team/app:1`), 'not-verified');
      assert.equal(await c.check(`${broken}/team/app:1`), 'not-verified');
      assert.equal(await c.check(`${garbageRealm}/team/app:1`), 'not-verified');
    });

    test('a redirect to another host drops the Authorization header', async () => {
      const seenByTarget: (string | undefined)[] = [];
      const target = await serve((req, res) => {
        seenByTarget.push(req.headers.authorization);
        res.writeHead(200, manifestHeaders).end();
      });
      const origin = await serve((req, res) => {
        if (!req.headers.authorization) res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }).end();
        else res.writeHead(307, { location: `http://${target}${req.url}` }).end();
      });
      const recording = recordingFetch();
      const c = new RegistryChecker({ allowInsecureLoopback: true, fetch: recording.fetch, credentials: { [origin]: PUSHER } });
      assert.equal(await c.check(`${origin}/team/app:1`), 'exists');
      assert.deepEqual(seenByTarget, [undefined]);
      assert.ok(recording.sent.some((s) => s.url.host === origin && s.authorization?.startsWith('Basic ')), 'the origin did get the credentials');
    });

    test('plain http is refused beyond loopback: a redirect or a token realm to another host is never requested', async () => {
      const redirecting = await serve((_req, res) => res.writeHead(302, { location: 'http://registry.example.invalid/v2/x/manifests/1' }).end());
      const foreignRealm = await serve((_req, res) => res.writeHead(401, { 'www-authenticate': 'Bearer realm="http://auth.example.invalid/token",service="x"' }).end());
      const recording = recordingFetch();
      const c = new RegistryChecker({ allowInsecureLoopback: true, fetch: recording.fetch });
      assert.equal(await c.check(`${redirecting}/team/app:1`), 'not-verified');
      assert.equal(await c.check(`${foreignRealm}/team/app:1`), 'not-verified');
      assert.ok(recording.sent.every((s) => s.url.hostname === '127.0.0.1'), JSON.stringify(recording.sent.map((s) => s.url.href)));
    });

    test('without allowInsecureLoopback even loopback is asked over https, so a plain-http server is not-verified', async () => {
      const ok = await serve((_req, res) => res.writeHead(200, manifestHeaders).end());
      const recording = recordingFetch();
      assert.equal(await new RegistryChecker({ allowInsecureLoopback: true }).check(`${ok}/team/app:1`), 'exists', 'control: the server answers over http');
      assert.equal(await new RegistryChecker({ fetch: recording.fetch }).check(`${ok}/team/app:1`), 'not-verified');
      assert.deepEqual(recording.sent.map((s) => s.url.protocol), ['https:']);
    });
  });
});
