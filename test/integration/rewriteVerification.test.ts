// registryGuard.verifyRewriteTargets end to end: `node dist/server.js --stdio` over a real stdio connection,
// asking a REAL registry (Debian's docker-registry behind token auth, from registryHarness.ts) whether a
// rewrite target exists.
//
// The built-in catalog only rewrites to public.ecr.aws, which this machine cannot reach, so the target comes
// from a user mapping (registryGuard.rewrites.mappings: ghcr.io/acme/app -> <loopback>/team/app; the catalog
// accepts any repository as a mapping target). The registry sits behind a small counting proxy, so the tests
// can say exactly which requests reached it. Plain http to loopback is a test-only switch: the server honours
// initializationOptions.testing only when started with REGISTRY_GUARD_TESTING=1, and one test shows that
// without the variable the switch does nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { ClientCapabilities, CodeAction, Diagnostic, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import type { FixWorkspaceResult, ServerState } from '../../server/src/lsp/protocol';
import { CLIENT_CAPABILITIES, fileUri, LspTestClient, rangeOf, WAIT_MS } from '../protocol/support/lspClient';
import { Editor } from '../protocol/support/edits';
import {
  closeServer, generateSigningKey, listen, withRegistryTools, pushTestImage, scratchDir, startRegistry, startTokenService,
  type RunningRegistry, type TokenService,
} from './registryHarness';

const REPOSITORY = 'team/app';
const PUSHER = { username: 'pusher', password: 'correct horse battery staple' };
const SERVICE = 'registry-guard-test';
const ISSUER = 'registry-guard-test-issuer';

const POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: loopback-only
spec:
  rules:
    - name: validate-registries
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        failureAction: Enforce
        message: "Images must come from the loopback registry."
        pattern:
          spec:
            containers:
              - image: "127.0.0.1:*"
`;

function pod(name: string, image: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
    - name: app
      image: ${image}
`;
}

/** Edits resolved lazily (codeAction/resolve), as VS Code does: the path that may wait for the registry. */
const LAZY_CAPABILITIES: ClientCapabilities = {
  ...CLIENT_CAPABILITIES,
  textDocument: {
    ...CLIENT_CAPABILITIES.textDocument,
    codeAction: { ...CLIENT_CAPABILITIES.textDocument!.codeAction, resolveSupport: { properties: ['edit'] } },
  },
};

interface CountingProxy {
  host: string;
  requests: { method: string; url: string }[];
  close(): Promise<void>;
}

/** Forwards every HTTP request to the registry and records it. */
async function startCountingProxy(registry: RunningRegistry): Promise<CountingProxy> {
  const requests: CountingProxy['requests'] = [];
  const [hostname, port] = registry.host.split(':');
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
    const upstream = http.request({ host: hostname, port: Number(port), method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const address = await listen(server);
  return { host: `127.0.0.1:${address.port}`, requests, close: () => closeServer(server) };
}

withRegistryTools('rewrite verification', () => {
  describe('registryGuard.verifyRewriteTargets over stdio against a real registry', { timeout: 180_000 }, () => {
    let dir: string;
    let tokens: TokenService;
    let registry: RunningRegistry;
    let proxy: CountingProxy;
    let ws: string;

    before(async () => {
      dir = scratchDir('rewrite-verification-');
      const signing = generateSigningKey(dir);
      tokens = await startTokenService({ signing, service: SERVICE, issuer: ISSUER, pusher: PUSHER });
      registry = await startRegistry(dir, { kind: 'token', realm: tokens.realm, service: SERVICE, issuer: ISSUER, rootCertBundle: signing.certFile });
      const pushToken = await fetch(`${tokens.realm}?service=${SERVICE}&scope=repository:${REPOSITORY}:pull,push`, {
        headers: { Authorization: `Basic ${Buffer.from(`${PUSHER.username}:${PUSHER.password}`).toString('base64')}` },
      });
      const { token } = (await pushToken.json()) as { token: string };
      await pushTestImage(registry.baseUrl, REPOSITORY, `Bearer ${token}`);
      tokens.requests.length = 0;
      proxy = await startCountingProxy(registry);
      ws = path.join(dir, 'workspace');
      fs.mkdirSync(path.join(ws, 'policies'), { recursive: true });
      fs.mkdirSync(path.join(ws, 'apps'), { recursive: true });
      fs.writeFileSync(path.join(ws, 'policies', 'loopback-only.yaml'), POLICY);
    });
    after(async () => {
      await proxy?.close();
      await registry?.stop();
      await tokens?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const target = (tag: string): string => `${proxy.host}/${REPOSITORY}:${tag}`;
    const title = (tag: string): string => `Rewrite to ${target(tag)} (Mapping from your settings)`;
    const settings = (verify: boolean): Record<string, unknown> => ({
      verifyRewriteTargets: verify,
      rewrites: { mappings: [{ from: 'ghcr.io/acme/app', to: `${proxy.host}/${REPOSITORY}` }] },
    });
    const registryTraffic = (): number => proxy.requests.length + tokens.requests.length;

    async function startServer(options: { verify: boolean; trusted?: boolean; testingEnvironment?: boolean }): Promise<LspTestClient> {
      const env = { ...process.env };
      if (options.testingEnvironment === false) delete env.REGISTRY_GUARD_TESTING;
      else env.REGISTRY_GUARD_TESTING = '1';
      const client = await LspTestClient.start({
        folders: [ws],
        settings: settings(options.verify),
        capabilities: LAZY_CAPABILITIES,
        env,
        initializationOptions: { isTrusted: options.trusted ?? true, testing: { allowInsecureLoopbackRegistry: true } },
      });
      await client.waitFor('the policy scan', () => client.statuses.find((s) => !s.scanning && s.policies === 1));
      return client;
    }

    /** Opens a Pod with `image` and waits for its one diagnostic. */
    async function openPod(client: LspTestClient, name: string, image: string): Promise<{ uri: string; text: string; diagnostics: Diagnostic[] }> {
      const uri = fileUri(path.join(ws, 'apps', `${name}.yaml`));
      const text = pod(name, image);
      await client.open(uri, text);
      const published = await client.diagnostics(uri, (p) => p.diagnostics.length === 1);
      return { uri, text, diagnostics: published.diagnostics };
    }

    function codeActions(client: LspTestClient, doc: { uri: string; text: string }, image: string): Promise<CodeAction[]> {
      return client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: doc.uri }, range: rangeOf(doc.text, image), context: { diagnostics: [] } });
    }

    /** Asks for code actions again and again until `accept` likes them (the lookup runs in the background). */
    async function actionsUntil(client: LspTestClient, doc: { uri: string; text: string }, image: string, what: string, accept: (actions: CodeAction[]) => boolean): Promise<CodeAction[]> {
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        const actions = await codeActions(client, doc, image);
        if (accept(actions)) return actions;
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; last actions: ${JSON.stringify(actions.map((a) => [a.title, a.disabled]))}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    async function state(client: LspTestClient): Promise<ServerState> {
      return client.request<ServerState>('registryGuard/state');
    }

    async function stateUntil(client: LspTestClient, what: string, accept: (s: ServerState) => boolean): Promise<void> {
      const deadline = Date.now() + WAIT_MS;
      while (!accept(await state(client))) {
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    function rewrites(actions: CodeAction[]): [string, string | undefined][] {
      return actions.filter((a) => a.title.startsWith('Rewrite')).map((a) => [a.title, a.disabled?.reason]);
    }

    test('the first request offers the target unverified and starts a lookup; once it is answered the title says (verified), and the fix applies', async () => {
      const client = await startServer({ verify: true });
      try {
        assert.equal((await state(client)).verifyingRewriteTargets, true);
        const image = 'ghcr.io/acme/app:oci-index';
        const doc = await openPod(client, 'verified', image);
        const first = await codeActions(client, doc, image);
        assert.deepEqual(rewrites(first), [[title('oci-index'), undefined]]);
        const verified = await actionsUntil(client, doc, image, 'the (verified) title', (actions) => actions.some((a) => a.title === `${title('oci-index')} (verified)`));
        assert.deepEqual(rewrites(verified), [[`${title('oci-index')} (verified)`, undefined]]);
        assert.ok(proxy.requests.some((r) => r.method === 'HEAD' && r.url === `/v2/${REPOSITORY}/manifests/oci-index`), JSON.stringify(proxy.requests));
        assert.ok(tokens.requests.some((r) => r.scope.includes(`repository:${REPOSITORY}:pull`)), 'the anonymous token flow was used');

        const resolved = await client.request<CodeAction>('codeAction/resolve', verified.find((a) => a.title.endsWith('(verified)')));
        const [change] = resolved.edit!.documentChanges as TextDocumentEdit[];
        assert.deepEqual((change.edits as TextEdit[]).map((e) => e.newText), [target('oci-index')]);
        const editor = new Editor(client);
        editor.open.set(doc.uri, { text: doc.text, version: 1 });
        assert.deepEqual(await editor.apply(resolved.edit!), { applied: true, versions: new Map([[doc.uri, 2]]) });
        await client.diagnostics(doc.uri, (p) => p.version === 2 && p.diagnostics.length === 0, 0, 'no diagnostics after the fix');
      } finally {
        await client.stop();
      }
    });

    test('a mapping to a tag the registry does not have: resolve refuses it by name, and once answered it is offered only as disabled', async () => {
      const client = await startServer({ verify: true });
      try {
        const image = 'ghcr.io/acme/app:no-such-tag';
        const doc = await openPod(client, 'missing', image);
        const first = await codeActions(client, doc, image);
        assert.deepEqual(rewrites(first), [[title('no-such-tag'), undefined]], 'not known yet: offered');
        const offered = first.find((a) => a.title === title('no-such-tag'))!;
        await assert.rejects(client.request('codeAction/resolve', offered), (error: Error) => {
          assert.match(error.message, new RegExp(`did not rewrite to ${target('no-such-tag').replace(/[.:/]/g, '\\$&')}`));
          assert.match(error.message, new RegExp(`tag "no-such-tag" not found in ${proxy.host.replace(/[.:]/g, '\\$&')}`));
          return true;
        });
        const after = await codeActions(client, doc, image);
        assert.deepEqual(rewrites(after), [[title('no-such-tag'), `tag "no-such-tag" not found in ${proxy.host}`]]);
        assert.equal(after.find((a) => a.title === title('no-such-tag'))?.data, undefined, 'the disabled action carries nothing to apply');

        const fixAll = await client.request<CodeAction[]>('textDocument/codeAction', {
          textDocument: { uri: doc.uri }, range: rangeOf(doc.text, 'apiVersion'), context: { diagnostics: [], only: ['source.fixAll'] },
        });
        assert.deepEqual(fixAll, [], 'fix-all skips the missing target');
        const workspace = await client.request<FixWorkspaceResult>('registryGuard/fixWorkspace', {});
        assert.deepEqual(workspace.skipped.map((s) => [s.image, s.reason]), [[image, `${target('no-such-tag')}: tag "no-such-tag" not found in ${proxy.host}`]]);
      } finally {
        await client.stop();
      }
    });

    test('with the setting off the registry receives no request at all; turned on it does; turned off again the checker is gone', async () => {
      const client = await startServer({ verify: false });
      try {
        const before = registryTraffic();
        assert.equal((await state(client)).verifyingRewriteTargets, false);
        const image = 'ghcr.io/acme/app:docker-v2';
        const doc = await openPod(client, 'off', image);
        for (let i = 0; i < 3; i++) assert.deepEqual(rewrites(await codeActions(client, doc, image)), [[title('docker-v2'), undefined]]);
        const offered = (await codeActions(client, doc, image)).find((a) => a.title === title('docker-v2'))!;
        const resolved = await client.request<CodeAction>('codeAction/resolve', offered);
        assert.ok(resolved.edit, 'resolves without asking anyone');
        await client.request('registryGuard/fixWorkspace', {});
        assert.equal(registryTraffic(), before, 'no request reached the registry or its token service');

        // Control: the same server and document reach the registry once the setting is on.
        await client.setSettings(settings(true));
        await stateUntil(client, 'the checker to exist', (s) => s.verifyingRewriteTargets);
        await actionsUntil(client, doc, image, 'the (verified) title', (actions) => actions.some((a) => a.title === `${title('docker-v2')} (verified)`));
        assert.ok(registryTraffic() > before);

        // Off again: the checker and its answers are dropped, titles are plain again, and nothing more is sent.
        await client.setSettings(settings(false));
        await stateUntil(client, 'the checker to be dropped', (s) => !s.verifyingRewriteTargets);
        const quiet = registryTraffic();
        assert.deepEqual(rewrites(await codeActions(client, doc, image)), [[title('docker-v2'), undefined]]);
        await client.request<CodeAction>('codeAction/resolve', offered);
        assert.equal(registryTraffic(), quiet);
      } finally {
        await client.stop();
      }
    });

    test('an untrusted workspace never gets a checker, whatever the setting says', async () => {
      const client = await startServer({ verify: true, trusted: false });
      try {
        const before = registryTraffic();
        assert.equal((await state(client)).verifyingRewriteTargets, false);
        const image = 'ghcr.io/acme/app:oci-manifest';
        const doc = await openPod(client, 'untrusted', image);
        const offered = await codeActions(client, doc, image);
        assert.deepEqual(rewrites(offered), [[title('oci-manifest'), undefined]]);
        await client.request<CodeAction>('codeAction/resolve', offered.find((a) => a.title === title('oci-manifest')));
        assert.deepEqual(rewrites(await codeActions(client, doc, image)), [[title('oci-manifest'), undefined]]);
        assert.equal(registryTraffic(), before);

        // Trusting the workspace turns the setting on (VS Code sends this when the user grants trust).
        await client.connection.sendNotification('registryGuard/workspaceTrust', { isTrusted: true });
        await stateUntil(client, 'the checker once trusted', (s) => s.verifyingRewriteTargets);
        await actionsUntil(client, doc, image, 'the (verified) title', (actions) => actions.some((a) => a.title === `${title('oci-manifest')} (verified)`));
      } finally {
        await client.stop();
      }
    });

    test('without REGISTRY_GUARD_TESTING=1 the test-only switch is ignored: plain http to the loopback registry is never used', async () => {
      const client = await startServer({ verify: true, testingEnvironment: false });
      try {
        const before = proxy.requests.length;
        assert.equal((await state(client)).verifyingRewriteTargets, true);
        const image = 'ghcr.io/acme/app:docker-list';
        const doc = await openPod(client, 'no-testing', image);
        const offered = (await codeActions(client, doc, image)).find((a) => a.title === title('docker-list'));
        assert.ok(offered);
        // Resolve waits for the lookup: over https to a plain-http server it cannot succeed, so it is not-verified
        // and the fix is still given (only a registry's own "not found" refuses one).
        const resolved = await client.request<CodeAction>('codeAction/resolve', offered);
        assert.ok(resolved.edit);
        assert.deepEqual(rewrites(await codeActions(client, doc, image)), [[title('docker-list'), undefined]], 'never (verified)');
        assert.equal(proxy.requests.length, before, 'no plain-http request reached the registry');
      } finally {
        await client.stop();
      }
    });
  });
});
