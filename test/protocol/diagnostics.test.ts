// Diagnostics over a real stdio connection to dist/server.js: content, incremental sync, syntax errors, non-manifests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity, type Diagnostic, type Hover, type MarkupContent } from 'vscode-languageserver-protocol';
import { fileUri, messageOf, positionOf, rangeOf } from './support/lspClient';
import { withServer } from './support/workspace';

const CODE = 'restrict-image-registries/validate-registries';

/** The range of the image value on the line that contains `lineText` (value = text after "image: "). */
function imageRange(text: string, lineText: string, image: string) {
  const line = positionOf(text, lineText);
  const character = text.split('\n')[line.line].indexOf(image, line.character);
  return { start: { line: line.line, character }, end: { line: line.line, character: character + image.length } };
}

test('didOpen: the kubectl-run nginx Pod gets one Error exactly under `nginx`, with the policy message, code, source and rule link', async () => {
  await withServer({}, async ({ client, file }) => {
    const pod = file('apps/pod.yaml');
    const policy = file('policies/restrict-image-registries.yaml');
    await client.open(pod.uri, pod.text, 1);
    const published = await client.diagnostics(pod.uri, (p) => p.version === 1);
    assert.equal(published.diagnostics.length, 1, JSON.stringify(published.diagnostics));
    const [d] = published.diagnostics;
    assert.deepEqual(d.range, imageRange(pod.text, '- image: nginx', 'nginx'));
    assert.equal(d.severity, DiagnosticSeverity.Error);
    assert.equal(d.source, 'Registry Guard');
    assert.equal(d.code, CODE);
    assert.ok(messageOf(d).startsWith('Unknown Image registry.'), messageOf(d));
    assert.match(messageOf(d), /policy restrict-image-registries, rule validate-registries: admission would block Pod nginx \(Enforce\)/);
    assert.equal(d.relatedInformation?.length, 1);
    assert.equal(d.relatedInformation![0].location.uri, policy.uri);
    assert.equal(d.relatedInformation![0].location.range.start.line, positionOf(policy.text, 'pattern:').line, 'points at the rule\'s pattern');
    assert.equal(d.data, undefined, 'quick fixes find the finding in the server\'s own analysis, so the payload carries no data');
  });
});

test('incremental didChange: each new version gets its own diagnostics', async () => {
  await withServer({}, async ({ client, file }) => {
    const pod = file('apps/pod.yaml');
    await client.open(pod.uri, pod.text, 1);
    await client.diagnostics(pod.uri, (p) => p.version === 1 && p.diagnostics.length === 1);

    const nginx = imageRange(pod.text, '- image: nginx', 'nginx');
    await client.change(pod.uri, 2, [{ range: nginx, text: 'public.ecr.aws/nginx/nginx' }]);
    const v2 = await client.diagnostics(pod.uri, (p) => p.version === 2);
    assert.deepEqual(v2.diagnostics, [], 'the ECR Public image is allowed');

    // Two edits in one notification: shorten the image, then add a second container below it.
    const ecrRange = { start: nginx.start, end: { line: nginx.start.line, character: nginx.start.character + 'public.ecr.aws/nginx/nginx'.length } };
    const afterName = { line: nginx.start.line + 2, character: 0 };
    await client.change(pod.uri, 3, [
      { range: ecrRange, text: 'nginx:1.27' },
      { range: { start: afterName, end: afterName }, text: '    - image: "docker.io/library/redis:7"\n      name: redis\n' },
    ]);
    const v3 = await client.diagnostics(pod.uri, (p) => p.version === 3);
    assert.deepEqual(v3.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character]), [
      [CODE, nginx.start.line, nginx.start.character, nginx.start.character + 'nginx:1.27'.length],
      [CODE, afterName.line, 14, 14 + 'docker.io/library/redis:7'.length],
    ]);
  });
});

test('a Deployment is checked through the autogen rule: one diagnostic per failing image, inside the quotes', async () => {
  await withServer({}, async ({ client, file }) => {
    const deployment = file('apps/deployment.yaml');
    await client.open(deployment.uri, deployment.text);
    const { diagnostics } = await client.diagnostics(deployment.uri, (p) => p.version === 1);
    const summary = diagnostics.map((d) => [d.code, d.range]);
    assert.deepEqual(summary, [
      ['restrict-image-registries/autogen-validate-registries', rangeOf(deployment.text, 'nginx:1.27')],
      ['restrict-image-registries/autogen-validate-registries', rangeOf(deployment.text, 'ghcr.io/example/sidecar:2')],
    ]);
    assert.match(messageOf(diagnostics[0]), /admission would block Deployment web \(Enforce\)/);
  });
});

test('a syntax error mid-edit shows one syntax message and keeps the other document\'s diagnostics', async () => {
  await withServer({}, async ({ client, file }) => {
    const pods = file('apps/two-pods.yaml');
    await client.open(pods.uri, pods.text);
    const before = await client.diagnostics(pods.uri, (p) => p.version === 1);
    assert.deepEqual(before.diagnostics.map((d) => d.code), [CODE, CODE], 'nginx and redis:7 both fail');

    // Half-typed flow sequence in the second document.
    const redis = rangeOf(pods.text, 'redis:7');
    await client.change(pods.uri, 2, [{ range: redis, text: '[redis:7' }]);
    const broken = await client.diagnostics(pods.uri, (p) => p.version === 2);
    const syntax = broken.diagnostics.filter((d) => d.code === 'yaml-syntax');
    const findings = broken.diagnostics.filter((d) => d.code === CODE);
    assert.equal(syntax.length, 1, JSON.stringify(broken.diagnostics));
    assert.equal(syntax[0].severity, DiagnosticSeverity.Error);
    assert.ok(syntax[0].range.start.line >= redis.start.line - 1, 'the syntax error is in the second document');
    assert.deepEqual(findings.map((d) => d.range), [rangeOf(pods.text, 'nginx')], 'the first document keeps its diagnostic');

    await client.change(pods.uri, 3, [{ range: { start: redis.start, end: { line: redis.start.line, character: redis.start.character + 1 } }, text: '' }]);
    const fixed = await client.diagnostics(pods.uri, (p) => p.version === 3);
    assert.deepEqual(fixed.diagnostics.map((d) => d.code), [CODE, CODE]);
  });
});

test('YAML that is not a Kubernetes manifest raises nothing; a Helm template gets at most one hint', async () => {
  await withServer({}, async ({ client, file }) => {
    for (const name of ['docker-compose.yaml', '.github/workflows/ci.yml']) {
      const f = file(name);
      await client.open(f.uri, f.text);
      const { diagnostics } = await client.diagnostics(f.uri, (p) => p.version === 1);
      assert.deepEqual(diagnostics, [], name);
    }
    const chart = file('chart/templates/deployment.yaml');
    await client.open(chart.uri, chart.text);
    const { diagnostics } = await client.diagnostics(chart.uri, (p) => p.version === 1);
    assert.ok(diagnostics.length <= 1, JSON.stringify(diagnostics));
    for (const d of diagnostics as Diagnostic[]) {
      assert.equal(d.severity, DiagnosticSeverity.Hint);
      assert.notEqual(d.code, CODE);
    }
  });
});

test('hover on an image shows its parsed reference and the rules that apply with their verdict', async () => {
  await withServer({}, async ({ client, file }) => {
    const pod = file('apps/pod.yaml');
    await client.open(pod.uri, pod.text);
    await client.diagnostics(pod.uri, (p) => p.version === 1);
    const at = imageRange(pod.text, '- image: nginx', 'nginx');
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: pod.uri }, position: { line: at.start.line, character: at.start.character + 2 } });
    assert.ok(hover, 'a hover');
    const value = (hover.contents as MarkupContent).value;
    assert.match(value, /\*\*Image\*\* `nginx`/);
    assert.match(value, /Registry \| `docker\.io`/);
    assert.match(value, /Tag \| `latest`/);
    assert.match(value, /restrict-image-registries.*validate-registries.*\*\*fails\*\* \(Enforce/);
    assert.deepEqual(hover.range, at);
    const none = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: pod.uri }, position: positionOf(pod.text, 'metadata') });
    assert.equal(none, null);
    const unknown = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: fileUri('/nowhere.yaml') }, position: { line: 0, character: 0 } });
    assert.equal(unknown, null);
  });
});

test('severity settings: Enforce as warning, per resource', async () => {
  await withServer({ settings: { severity: { enforce: 'warning' } } }, async ({ client, file }) => {
    const pod = file('apps/pod.yaml');
    await client.open(pod.uri, pod.text);
    const { diagnostics } = await client.diagnostics(pod.uri, (p) => p.version === 1);
    assert.deepEqual(diagnostics.map((d) => d.severity), [DiagnosticSeverity.Warning]);
    const mark = client.mark();
    await client.setSettings({ severity: { enforce: 'information' } });
    const after = await client.diagnostics(pod.uri, () => true, mark, 'diagnostics after the settings change');
    assert.deepEqual(after.diagnostics.map((d) => d.severity), [DiagnosticSeverity.Information]);
  });
});

test('hostile or oversized input never takes the server down: alias bomb, huge file, binary noise', async () => {
  await withServer({ settings: { maxFileSize: 2 } }, async ({ client, file }) => {
    const bomb = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: bomb', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 12; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
    bomb.push('spec:', '  containers:', '    - name: c', '      image: nginx', '');
    await client.open('untitled:bomb', bomb.join('\n'));
    await client.diagnostics('untitled:bomb', (p) => p.version === 1);

    const pod = file('apps/pod.yaml');
    const huge = pod.text + '\n# padding\n' + `#${'x'.repeat(1000)}\n`.repeat(2200);
    await client.open('untitled:huge', huge);
    const big = await client.diagnostics('untitled:huge', (p) => p.version === 1);
    assert.deepEqual(big.diagnostics.map((d) => [d.code, d.severity]), [['limit-file-size', DiagnosticSeverity.Information]]);
    assert.match(messageOf(big.diagnostics[0]), /over the 2\.0 MB limit set by registryGuard\.maxFileSize/);

    await client.open('untitled:noise', '\u0000\u0001{[}]: : -\n\t- - ? ! & *\n%YAML 9\n');
    await client.diagnostics('untitled:noise', (p) => p.version === 1);

    // Still serving: the seed Pod gets its diagnostic.
    await client.open(pod.uri, pod.text);
    const after = await client.diagnostics(pod.uri, (p) => p.version === 1);
    assert.deepEqual(after.diagnostics.map((d) => d.code), [CODE]);
  });
});

test('registryGuard.maxFileSize: a 2.2 MB file is analysed under the 20 MB default and skipped with a notice once the limit is 1 MB', async () => {
  await withServer({}, async ({ client, file }) => {
    const pod = file('apps/pod.yaml');
    const huge = pod.text + '\n# padding\n' + `#${'x'.repeat(1000)}\n`.repeat(2200);
    await client.open('untitled:huge', huge);
    const analysed = await client.diagnostics('untitled:huge', (p) => p.version === 1);
    assert.deepEqual(analysed.diagnostics.map((d) => d.code), [CODE]);
    const mark = client.mark();
    await client.setSettings({ maxFileSize: 1 });
    const limited = await client.diagnostics('untitled:huge', () => true, mark, 'diagnostics after lowering the limit');
    assert.deepEqual(limited.diagnostics.map((d) => d.code), ['limit-file-size']);
    assert.match(messageOf(limited.diagnostics[0]), /over the 1\.0 MB limit set by registryGuard\.maxFileSize/);
  });
});
