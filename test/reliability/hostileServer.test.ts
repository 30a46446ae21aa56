/**
 * Hostile and odd documents opened in the stdio language server, which runs with a heap cap: the size limit
 * (registryGuard.maxFileSize) stops the work with one informational notice that names the limit and the setting,
 * raising the setting lifts it, and bombs, deep nesting and odd bytes never take the server down.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { answered, fileUri, lastPublished, messageOf, settled, startServer, state, stopServer, tempWorkspace } from './support/server';
import { SEED_POLICY } from './support/engine';
import * as hostile from './support/hostileInputs';

const CODE = 'restrict-image-registries/validate-registries';

async function withSeedServer(settings: Record<string, unknown>, maxHeapMb: number, body: (client: Awaited<ReturnType<typeof startServer>>, ws: string) => Promise<void>): Promise<void> {
  const ws = tempWorkspace({ 'policies/restrict-image-registries.yaml': SEED_POLICY });
  const client = await startServer({ folders: [ws], settings, maxHeapMb });
  try {
    await client.waitFor('the policy scan', () => client.statuses.find((s) => !s.scanning && s.policies === 1));
    await body(client, ws);
  } finally {
    await stopServer(client, ws);
  }
}

async function openAndSettle(client: Awaited<ReturnType<typeof startServer>>, uri: string, text: string) {
  await client.open(uri, text);
  await settled(client);
  const published = lastPublished(client, uri);
  assert.ok(published, `diagnostics for ${uri}`);
  return published.diagnostics;
}

test('a 50 MB file of Pods over the default limit: one Information naming the limit and registryGuard.maxFileSize, and the server stays within a 768 MB heap', {
  timeout: 600_000,
}, async () => {
  // The limit exists so that a huge file costs nothing but its text. A server that parsed the file anyway (50 MB of
  // small Pods takes ~1.7 GB as a syntax tree) runs out of this heap and exits, which fails the test.
  await withSeedServer({}, 768, async (client, ws) => {
    const big = hostile.manyPods(50);
    const diagnostics = await openAndSettle(client, fileUri(`${ws}/big.yaml`), big);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['limit-file-size', DiagnosticSeverity.Information]]);
    const message = messageOf(diagnostics[0]);
    assert.match(message, /over the 20\.0 MB limit/);
    assert.match(message, /registryGuard\.maxFileSize/);
    // Still serving: another document gets its diagnostic.
    const pod = await openAndSettle(client, fileUri(`${ws}/pod.yaml`), hostile.pod('web', 'nginx'));
    assert.deepEqual(pod.map((d) => d.code), [CODE]);
  });
});

test('a 50 MB file over the default 20 MB limit: exactly one Information, naming the limit and registryGuard.maxFileSize', { timeout: 600_000 }, async () => {
  await withSeedServer({}, 1536, async (client, ws) => {
    const diagnostics = await openAndSettle(client, fileUri(`${ws}/big.yaml`), hostile.bigFile(50));
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['limit-file-size', DiagnosticSeverity.Information]]);
    assert.match(messageOf(diagnostics[0]), /^Registry Guard did not check this file: it is 50\.\d MB, over the 20\.0 MB limit set by registryGuard\.maxFileSize\.$/);
    const pod = await openAndSettle(client, fileUri(`${ws}/pod.yaml`), hostile.pod('web', 'nginx'));
    assert.deepEqual(pod.map((d) => d.code), [CODE]);
  });
});

test('registryGuard.maxFileSize: a 1 MB single line over a 0.5 MB limit gets the notice; raising the setting checks the file', { timeout: 300_000 }, async () => {
  await withSeedServer({ maxFileSize: 0.5 }, 512, async (client, ws) => {
    const uri = fileUri(`${ws}/line.yaml`);
    const limited = await openAndSettle(client, uri, hostile.longLine());
    assert.deepEqual(limited.map((d) => [d.code, d.severity]), [['limit-file-size', DiagnosticSeverity.Information]]);
    assert.match(messageOf(limited[0]), /over the 500 kB limit set by registryGuard\.maxFileSize/);
    assert.equal(limited[0].range.start.line, 0, 'the notice sits at the top of the file');

    const mark = client.mark();
    await client.setSettings({ maxFileSize: 2 });
    const checked = await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === CODE), mark, 'the file to be checked once the limit is raised');
    assert.deepEqual(checked.diagnostics.map((d) => [d.code, d.range.start.line]), [[CODE, 7]]);
  });
});

test('100,000 documents in one open file: every failing Pod reported, an edit in the last document re-checked, the server answering throughout', { timeout: 600_000 }, async () => {
  await withSeedServer({}, 1024, async (client, ws) => {
    const good = hostile.pod('p', 'public.ecr.aws/nginx/nginx');
    const text = `${Array.from({ length: 99_999 }, () => good).join('---\n')}---\n${hostile.pod('last', 'nginx')}`;
    const uri = fileUri(`${ws}/many.yaml`);
    const diagnostics = await openAndSettle(client, uri, text);
    assert.deepEqual(diagnostics.map((d) => d.code), [CODE]);
    const lastLine = text.split('\n').length - 2;
    assert.equal(diagnostics[0].range.start.line, lastLine);

    await client.change(uri, 2, [{ range: { start: { line: lastLine, character: 13 }, end: { line: lastLine, character: 18 } }, text: 'public.ecr.aws/nginx/nginx' }]);
    const s = await settled(client);
    assert.equal(s.documents.find((d) => d.uri === uri)?.diagnostics, 0);
    const hover = await answered(client, 'hover', client.request('textDocument/hover', { textDocument: { uri }, position: { line: 7, character: 16 } }));
    assert.ok(hover !== undefined);
  });
});

test('bombs, cycles, deep nesting and odd bytes: at most one syntax error each, and the server keeps serving', { timeout: 300_000 }, async () => {
  await withSeedServer({}, 512, async (client, ws) => {
    const base = hostile.pod('odd', 'nginx');
    const cases: [string, string, number][] = [
      ['laughs', hostile.billionLaughs(), 1],
      ['merge-bomb', hostile.mergeKeyBomb(), 1],
      ['circular', hostile.circularMerge(), 1],
      ['cycle', hostile.selfContainingAlias(), 1],
      ['deep-flow', hostile.deepFlowNesting(), 1],
      ['deep-maps', hostile.deepFlowMaps(), 1],
      ['unclosed', hostile.deepUnclosedFlow(), 1],
      ['alias-chain', hostile.deepAliasChain(), 1],
      ['nul', base.replace('odd', 'o\u0000dd'), 1],
      ['surrogate', base.replace('odd', 'o\ud800dd'), 1],
      ['bom', `\uFEFF${base}`, 1],
      ['crlf', base.replace(/\n/g, '\r\n'), 1],
      ['cr', base.replace(/\n/g, '\r'), 1],
      ['tabs', base.replace(/^ {2}/gm, '\t'), 1],
      ['noise', '\u0000\u0001{[}]: : -\n\t- - ? ! & *\n%YAML 9\n', 1],
    ];
    for (const [name, text, most] of cases) {
      const diagnostics = await openAndSettle(client, fileUri(`${ws}/${name}.yaml`), text);
      assert.ok(diagnostics.length <= most, `${name}: ${JSON.stringify(diagnostics.map((d) => messageOf(d)))}`);
      for (const d of diagnostics) assert.doesNotMatch(messageOf(d), /internal error|RangeError|TypeError/, name);
    }
    const s = await state(client);
    assert.equal(s.documents.length, cases.length);
    const pod = await openAndSettle(client, fileUri(`${ws}/pod.yaml`), hostile.pod('web', 'nginx'));
    assert.deepEqual(pod.map((d) => d.code), [CODE]);
    assert.doesNotMatch(client.stderr.join(''), /Error|at .*:\d+:\d+/, 'nothing on stderr');
  });
});

test('a workspace folder past the 20,000-file scan limit: the limit is named in the output, not a silently missing policy', {
  timeout: 300_000,
}, async () => {
  const ws = tempWorkspace({});
  for (let d = 0; d < 21; d++) {
    const dir = `${ws}/gen/d${String(d).padStart(2, '0')}`;
    fs.mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 1000; i++) fs.writeFileSync(`${dir}/f${i}.yaml`, 'a: 1\n');
  }
  fs.mkdirSync(`${ws}/zz`);
  fs.writeFileSync(`${ws}/zz/policy.yaml`, SEED_POLICY);
  const client = await startServer({ folders: [ws] });
  try {
    await client.waitFor('the policy scan', () => client.statuses.find((s) => !s.scanning));
    const output = client.log.join('\n');
    assert.match(output, /20[,.]?000/, `the scan limit is named:\n${output}`);
  } finally {
    await stopServer(client, ws);
  }
});
