// Policy files over a real stdio connection: lint diagnostics with fixes, completion and hover.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, CompletionItem, CompletionList, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { messageOf, positionOf } from './support/lspClient';
import { Editor } from './support/edits';
import { withServer } from './support/workspace';

test('an open policy file gets its lint problems (source Registry Guard, code = problem code) and their fixes', async () => {
  await withServer({}, async ({ client, file }) => {
    const policy = file('policies/restrict-image-registries.yaml');
    const editor = new Editor(client);
    await editor.openDocument(policy.uri, policy.text);
    const { diagnostics } = await client.diagnostics(policy.uri, (p) => p.version === 1);
    const byCode = new Map(diagnostics.map((d) => [d.code, d]));
    const coverage = byCode.get('registry-containers-only');
    assert.ok(coverage, JSON.stringify(diagnostics.map((d) => d.code)));
    assert.equal(coverage.source, 'Registry Guard');
    assert.equal(coverage.severity, DiagnosticSeverity.Warning);
    assert.match(messageOf(coverage), /initContainers/);
    assert.ok(byCode.has('deprecated-spec-failure-action'));

    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: policy.uri }, range: coverage.range, context: { diagnostics: [coverage] } });
    const fix = actions.find((a) => a.title.startsWith('Also check initContainers and ephemeralContainers'));
    assert.ok(fix, actions.map((a) => a.title).join('\n'));
    assert.equal(fix.isPreferred, true);
    assert.ok((await editor.apply(fix.edit!)).applied);
    const after = await client.diagnostics(policy.uri, (p) => p.version === 2);
    assert.ok(!after.diagnostics.some((d) => d.code === 'registry-containers-only'), JSON.stringify(after.diagnostics.map((d) => d.code)));
    assert.match(editor.open.get(policy.uri)!.text, /=\(initContainers\):\n {14}- image: "public\.ecr\.aws\/\*"/);
  });
});

test('completion in a policy: failure actions for validationFailureAction, nothing in a plain manifest', async () => {
  await withServer({}, async ({ client, file }) => {
    const policy = file('policies/restrict-image-registries.yaml');
    const text = policy.text.replace('validationFailureAction: Enforce', 'validationFailureAction: ');
    await client.open(policy.uri, text);
    const at = positionOf(text, 'validationFailureAction: ');
    const position = { line: at.line, character: at.character + 'validationFailureAction: '.length };
    const result = await client.request<CompletionItem[] | CompletionList | null>('textDocument/completion', {
      textDocument: { uri: policy.uri }, position, context: { triggerKind: 2, triggerCharacter: ' ' },
    });
    const items = Array.isArray(result) ? result : result?.items ?? [];
    assert.deepEqual(items.map((i) => i.label).filter((l) => l === 'Enforce' || l === 'Audit').sort(), ['Audit', 'Enforce']);

    const pod = file('apps/pod.yaml');
    await client.open(pod.uri, pod.text);
    const none = await client.request<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri: pod.uri }, position: positionOf(pod.text, 'nginx') });
    assert.deepEqual(Array.isArray(none) ? none : none?.items ?? [], []);
  });
});

test('hover on a pattern string lists which workspace images match, from open documents and the workspace check', async () => {
  await withServer({}, async ({ client, file }) => {
    const policy = file('policies/restrict-image-registries.yaml');
    const pod = file('apps/pod.yaml');
    await client.open(pod.uri, pod.text);
    await client.open(policy.uri, policy.text);
    await client.diagnostics(policy.uri, (p) => p.version === 1);
    const at = positionOf(policy.text, 'public.ecr.aws/*');
    const position = { line: at.line, character: at.character + 2 };
    const first = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: policy.uri }, position });
    const before = (first?.contents as MarkupContent).value;
    assert.match(before, /\*\*Kyverno pattern\*\* `public\.ecr\.aws\/\*`/);
    assert.match(before, /0 of 1 match/);
    assert.match(before, /`nginx` — pod\.yaml:10/);

    await client.request('registryGuard/checkWorkspace', {});
    const second = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: policy.uri }, position });
    const after = (second?.contents as MarkupContent).value;
    assert.match(after, /Matches:\n- `public\.ecr\.aws\/docker\/library\/busybox:1\.36` — deployment\.yaml/);
    assert.match(after, /`ghcr\.io\/example\/sidecar:2` — deployment\.yaml/);
    assert.ok(!/docker-compose/.test(after), 'images of files that are not Kubernetes manifests are not listed');
  });
});
