// registryGuard.verifyRewriteTargets in the code-action handler, with a fake checker (no network): offering
// actions reads the cache only and starts background lookups, resolve waits for the lookup and refuses a
// missing target, fix-all and the workspace fix skip known-missing targets; with the setting off or in an
// untrusted workspace no checker exists and nothing is fetched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionKind, LSPErrorCodes, ResponseError, type CodeAction, type TextDocumentEdit, type TextEdit } from 'vscode-languageserver-protocol';
import { Analyzer, PolicyStore } from '../../../server/src/engine/analysis';
import { CodeActionHandler, FIX_ALL_KIND, type CodeActionClientSupport } from '../../../server/src/lsp/codeActions';
import { DocumentStore } from '../../../server/src/lsp/documents';
import {
  createRegistryChecker, notFoundReason, TargetVerification, type ClearableVerifier, type TargetVerifier,
} from '../../../server/src/lsp/targetVerification';
import type { RegistryCheckResult } from '../../../server/src/registryCheck';
import { CLUSTER_POLICY, NGINX_POD } from './fakes';

const POD_URI = 'file:///ws/apps/pod.yaml';
const MIRROR = 'public.ecr.aws/docker/library/nginx';
const PUBLISHER = 'public.ecr.aws/nginx/nginx';
const MIRROR_TITLE = `Rewrite to ${MIRROR} (Docker Official Image mirror on Amazon ECR Public)`;
const PUBLISHER_TITLE = `Rewrite to ${PUBLISHER} (NGINX's own nginx repository on Amazon ECR Public)`;

/** A checker whose lookups stay pending until the test answers them; records every peek and check. */
class FakeChecker implements ClearableVerifier {
  readonly peeks: string[] = [];
  readonly checks: string[] = [];
  cleared = 0;
  private readonly answers = new Map<string, RegistryCheckResult>();
  private readonly pending = new Map<string, { promise: Promise<RegistryCheckResult>; settle: (r: RegistryCheckResult) => void }>();

  peek(image: string): RegistryCheckResult | undefined {
    this.peeks.push(image);
    return this.answers.get(image);
  }

  check(image: string): Promise<RegistryCheckResult> {
    this.checks.push(image);
    const known = this.answers.get(image);
    if (known !== undefined) return Promise.resolve(known);
    let entry = this.pending.get(image);
    if (entry === undefined) {
      let settle!: (r: RegistryCheckResult) => void;
      const promise = new Promise<RegistryCheckResult>((resolve) => { settle = resolve; });
      entry = { promise, settle };
      this.pending.set(image, entry);
    }
    return entry.promise;
  }

  /** Finishes the lookup of `image` (or records the answer as cached when none is pending). */
  async answer(image: string, result: RegistryCheckResult): Promise<void> {
    this.answers.set(image, result);
    this.pending.get(image)?.settle(result);
    this.pending.delete(image);
    await new Promise((resolve) => setImmediate(resolve));
  }

  isPending(image: string): boolean {
    return this.pending.has(image);
  }

  clear(): void {
    this.cleared++;
    this.answers.clear();
  }
}

function harness(options: { verifier?: () => TargetVerifier | undefined; client?: Partial<CodeActionClientSupport>; policy?: string } = {}) {
  const store = new PolicyStore();
  store.setFile('/ws/policies/restrict.yaml', options.policy ?? CLUSTER_POLICY);
  const analyzer = new Analyzer(store);
  const documents = new DocumentStore();
  const client: CodeActionClientSupport = { resolveEdit: false, documentChanges: true, disabled: false, commands: new Set(), ...options.client };
  const handler = new CodeActionHandler({
    documents,
    analyzer,
    policyText: () => undefined,
    allowListText: () => undefined,
    catalog: () => undefined,
    generation: () => `${store.version}`,
    lintProblems: () => [],
    verifier: options.verifier,
  }, () => client);
  return { documents, handler, analyzer };
}

function quickFixes(h: ReturnType<typeof harness>, uri = POD_URI, needle = 'image: nginx', only?: string[]): CodeAction[] {
  const doc = h.documents.get(uri)!;
  const offset = doc.document.getText().indexOf(needle);
  assert.ok(offset >= 0, needle);
  const range = { start: doc.document.positionAt(offset), end: doc.document.positionAt(offset + needle.length) };
  return h.handler.provide({ textDocument: { uri }, range, context: { diagnostics: [], ...(only ? { only } : {}) } });
}

function rewrites(actions: CodeAction[]): [string, boolean, string | undefined][] {
  return actions.filter((a) => a.title.startsWith('Rewrite')).map((a) => [a.title, a.isPreferred ?? false, a.disabled?.reason]);
}

function newTexts(action: CodeAction): string[] {
  return (action.edit!.documentChanges as TextDocumentEdit[]).flatMap((c) => (c.edits as TextEdit[]).map((e) => e.newText));
}

test('the first request offers the targets unverified and starts one lookup each; the next request shows the answers', async () => {
  const checker = new FakeChecker();
  const h = harness({ verifier: () => checker });
  h.documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD);
  assert.deepEqual(rewrites(quickFixes(h)), [[MIRROR_TITLE, true, undefined], [PUBLISHER_TITLE, false, undefined]]);
  assert.deepEqual(checker.checks.sort(), [MIRROR, PUBLISHER].sort(), 'one background lookup per target');

  quickFixes(h);
  quickFixes(h);
  assert.equal(checker.checks.length, 2, 'no second lookup while the first is pending');

  await checker.answer(MIRROR, 'exists');
  await checker.answer(PUBLISHER, 'not-verified');
  assert.deepEqual(rewrites(quickFixes(h)), [[`${MIRROR_TITLE} (verified)`, true, undefined], [PUBLISHER_TITLE, false, undefined]],
    'not-verified is offered unchanged');
  assert.equal(checker.checks.length, 2, 'known answers are read from the cache, not looked up again');
});

test('a target the registry does not have is not offered, and the remaining one becomes preferred', async () => {
  const checker = new FakeChecker();
  const h = harness({ verifier: () => checker });
  h.documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD);
  quickFixes(h);
  await checker.answer(MIRROR, 'missing');
  await checker.answer(PUBLISHER, 'exists');
  const actions = quickFixes(h);
  assert.deepEqual(rewrites(actions), [[`${PUBLISHER_TITLE} (verified)`, true, undefined]]);
  assert.deepEqual(newTexts(actions.find((a) => a.title.startsWith('Rewrite'))!), [PUBLISHER]);
});

test('for clients that show disabled actions, a missing target stays visible, disabled, with the registry named', async () => {
  const checker = new FakeChecker();
  const h = harness({ verifier: () => checker, client: { disabled: true } });
  h.documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD);
  quickFixes(h);
  await checker.answer(MIRROR, 'missing');
  const disabled = quickFixes(h).filter((a) => a.disabled !== undefined);
  assert.deepEqual(disabled.map((a) => [a.title, a.disabled!.reason, a.edit]), [[MIRROR_TITLE, 'tag "latest" not found in public.ecr.aws', undefined]]);
  assert.equal(notFoundReason(`${MIRROR}@sha256:${'a'.repeat(64)}`), `digest sha256:${'a'.repeat(64)} not found in public.ecr.aws`);
});

test('lazy resolve waits for the lookup: a missing target is refused with an error naming it, others get their edit', async () => {
  const checker = new FakeChecker();
  const h = harness({ verifier: () => checker, client: { resolveEdit: true } });
  h.documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD);
  const offered = quickFixes(h).filter((a) => a.title.startsWith('Rewrite'));
  const mirror = offered.find((a) => a.title === MIRROR_TITLE)!;
  const publisher = offered.find((a) => a.title === PUBLISHER_TITLE)!;

  const refused = assert.rejects(h.handler.resolve(structuredClone(mirror)), (error: unknown) => error instanceof ResponseError
    && error.code === LSPErrorCodes.RequestFailed && error.message.includes(MIRROR) && error.message.includes('not found in public.ecr.aws'));
  assert.ok(checker.isPending(MIRROR), 'resolve waits for the pending lookup');
  await checker.answer(MIRROR, 'missing');
  await refused;

  const applying = h.handler.resolve(structuredClone(publisher));
  await checker.answer(PUBLISHER, 'not-verified');
  assert.deepEqual(newTexts(await applying), [PUBLISHER], 'an unanswered lookup does not block the fix');
});

test('a document that changes while resolve waits for the registry is refused with ContentModified', async () => {
  const checker = new FakeChecker();
  const h = harness({ verifier: () => checker, client: { resolveEdit: true } });
  h.documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD);
  const mirror = quickFixes(h).find((a) => a.title === MIRROR_TITLE)!;
  const refused = assert.rejects(h.handler.resolve(structuredClone(mirror)), (error: unknown) => error instanceof ResponseError && error.code === LSPErrorCodes.ContentModified);
  h.documents.didChange(POD_URI, 2, [{ text: `# edited\n${NGINX_POD}` }]);
  await checker.answer(MIRROR, 'exists');
  await refused;
});

const THREE_IMAGES = `apiVersion: v1
kind: Pod
metadata: {name: three}
spec:
  containers:
    - {name: a, image: "redis:7"}
    - {name: b, image: "postgres:16"}
`;

test('fix-all and the workspace fix read the cache only and skip targets known to be missing', async () => {
  const checker = new FakeChecker();
  const h = harness({ verifier: () => checker });
  const uri = 'file:///ws/apps/three.yaml';
  h.documents.didOpen(uri, 'yaml', 1, THREE_IMAGES);
  const before = actionsOfKind(h, uri);
  assert.deepEqual(newTexts(before), ['public.ecr.aws/docker/library/redis:7', 'public.ecr.aws/docker/library/postgres:16']);
  assert.equal(checker.checks.length, 0, 'fix-all starts no lookup');

  await checker.answer('public.ecr.aws/docker/library/postgres:16', 'missing');
  const after = actionsOfKind(h, uri);
  assert.deepEqual(newTexts(after), ['public.ecr.aws/docker/library/redis:7']);
  assert.equal(after.title, 'Registry Guard: fix all in file (1 fix)');

  const doc = h.documents.get(uri)!;
  const { plan } = h.handler.fileFix(uri, doc.key, doc.yaml, 1, doc.document);
  assert.deepEqual(plan.fixes.map((f) => f.candidate.image), ['public.ecr.aws/docker/library/redis:7']);
  assert.deepEqual(plan.skipped.map((s) => [s.image, s.reason]), [['postgres:16', 'public.ecr.aws/docker/library/postgres:16: tag "16" not found in public.ecr.aws']]);
  assert.equal(checker.checks.length, 0, 'neither fix started a lookup');
});

function actionsOfKind(h: ReturnType<typeof harness>, uri: string): CodeAction {
  const actions = quickFixes(h, uri, 'apiVersion', [FIX_ALL_KIND]);
  assert.equal(actions.length, 1);
  assert.equal(actions[0].kind, FIX_ALL_KIND);
  return actions[0];
}

test('without a checker (setting off, untrusted) the handler neither peeks nor looks up, and titles stay as they were', async () => {
  const checker = new FakeChecker();
  let enabled = false;
  const h = harness({ verifier: () => (enabled ? checker : undefined), client: { resolveEdit: true } });
  h.documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD);
  const offered = quickFixes(h);
  assert.deepEqual(rewrites(offered), [[MIRROR_TITLE, true, undefined], [PUBLISHER_TITLE, false, undefined]]);
  await h.handler.resolve(structuredClone(offered[0]));
  quickFixes(h, POD_URI, 'apiVersion', [FIX_ALL_KIND]);
  assert.deepEqual([checker.peeks, checker.checks], [[], []]);

  // Turned on, then off again: an answer that arrives after the checker was dropped changes nothing.
  enabled = true;
  quickFixes(h);
  assert.equal(checker.checks.length, 2);
  enabled = false;
  await checker.answer(MIRROR, 'missing');
  assert.deepEqual(rewrites(quickFixes(h)), [[MIRROR_TITLE, true, undefined], [PUBLISHER_TITLE, false, undefined]]);
});

test('TargetVerification builds a checker only when the setting is on in a trusted workspace, and clears it when either goes', () => {
  const built: FakeChecker[] = [];
  const verification = new TargetVerification(() => {
    const checker = new FakeChecker();
    built.push(checker);
    return checker;
  });
  verification.update(false, true);
  verification.update(true, false);
  assert.equal(verification.verifier, undefined);
  assert.equal(built.length, 0, 'setting off or untrusted: no checker is ever built');

  verification.update(true, true);
  const first = verification.verifier;
  assert.ok(first);
  verification.update(true, true);
  assert.equal(verification.verifier, first, 'kept (with its cache) while nothing changes');
  assert.equal(built.length, 1);

  verification.update(true, false);
  assert.equal(verification.verifier, undefined, 'trust revoked: dropped');
  assert.equal(built[0].cleared, 1);
  verification.update(true, true);
  verification.update(false, true);
  assert.equal(verification.verifier, undefined, 'setting off: dropped');
  assert.equal(built[1].cleared, 1);
});

test('the real checker behind the setting: off or untrusted, code actions and resolve make no request at all', async () => {
  const realFetch = globalThis.fetch;
  const fetched: string[] = [];
  globalThis.fetch = ((input: string | URL | Request) => {
    fetched.push(String(input instanceof Request ? input.url : input));
    return Promise.resolve(new Response(null, { status: 404 }));
  }) as typeof fetch;
  try {
    const verification = new TargetVerification(() => createRegistryChecker());
    const h = harness({ verifier: () => verification.verifier, client: { resolveEdit: true } });
    h.documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD);
    for (const [enabled, trusted] of [[false, true], [true, false], [false, false]]) {
      verification.update(enabled, trusted);
      const offered = quickFixes(h);
      await h.handler.resolve(structuredClone(offered[0]));
      quickFixes(h, POD_URI, 'apiVersion', [FIX_ALL_KIND, CodeActionKind.QuickFix]);
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(fetched.length, 0, fetched.join('\n'));

    // Control: the same spy sees the checker's requests once the setting is on in a trusted workspace.
    verification.update(true, true);
    const offered = quickFixes(h);
    await assert.rejects(h.handler.resolve(structuredClone(offered[0])), /not found in public\.ecr\.aws/);
    assert.ok(fetched.some((url) => url.startsWith(`https://public.ecr.aws/v2/docker/library/nginx/manifests/latest`)), fetched.join('\n'));
  } finally {
    globalThis.fetch = realFetch;
  }
});

test('the fix-all plan of a file version is not reused once an answer about one of its targets changed', async () => {
  const checker = new FakeChecker();
  const h = harness({ verifier: () => checker });
  h.documents.didOpen(POD_URI, 'yaml', 1, NGINX_POD);
  assert.deepEqual(newTexts(actionsOfKind(h, POD_URI)), [MIRROR]);
  await checker.answer(MIRROR, 'missing');
  assert.deepEqual(newTexts(actionsOfKind(h, POD_URI)), [PUBLISHER], 'the publisher repository is the only target left');
  checker.clear(); // answers expire or the cache is cleared: the mirror is no longer known to be missing
  assert.deepEqual(newTexts(actionsOfKind(h, POD_URI)), [MIRROR]);
});
