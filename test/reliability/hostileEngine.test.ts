/**
 * Hostile and odd input through the engine (parseYamlFile → Analyzer), each in a worker with a heap cap and a
 * hang watchdog: YAML bombs, cycles, deep nesting, huge files, NUL bytes, BOM, line-end mixes and tabs. Every case
 * must finish with a well-formed answer: one clear syntax error, or the findings the text deserves.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { runBounded } from './support/bounded';
import type { AnalyzeSummary } from './support/boundedTasks';
import { pod } from './support/hostileInputs';

const SEED_CODE_MESSAGE = /Unknown Image registry/;

function syntaxErrors(s: AnalyzeSummary): string[] {
  return s.notices.filter((n) => n.code === 'yaml-syntax').map((n) => n.message);
}

test('billion laughs (10^10 nodes through aliases): one syntax error naming the expansion limit, no findings', async () => {
  const s = await runBounded('analyze', { build: { name: 'billionLaughs' } }, { maxHeapMb: 256 });
  assert.equal(s.findings, 0);
  assert.deepEqual(syntaxErrors(s), ['YAML syntax error: aliases expand this document to more than 1000000 nodes']);
});

test('a merge-key bomb (8^12 keys through <<): refused the same way', async () => {
  const s = await runBounded('analyze', { build: { name: 'mergeKeyBomb' } }, { maxHeapMb: 256 });
  assert.equal(s.findings, 0);
  assert.equal(syntaxErrors(s).length, 1);
  assert.match(syntaxErrors(s)[0], /aliases expand this document to more than 1000000 nodes/);
});

test('circular merge keys and self-containing aliases: one error each naming the alias', async () => {
  for (const name of ['circularMerge', 'selfContainingAlias'] as const) {
    const s = await runBounded('analyze', { build: { name } }, { maxHeapMb: 256 });
    assert.equal(s.findings, 0, name);
    assert.equal(syntaxErrors(s).length, 1, name);
    assert.match(syntaxErrors(s)[0], /alias \*(m|s) refers to a node that contains it/, name);
  }
});

test('10,000-deep flow nesting, 100,000 unclosed brackets and 3,000-deep block nesting: the nesting limit, not a stack overflow', async () => {
  for (const name of ['deepFlowNesting', 'deepFlowMaps', 'deepUnclosedFlow', 'deepBlockNesting'] as const) {
    const s = await runBounded('analyze', { build: { name } }, { maxHeapMb: 512 });
    assert.equal(s.findings, 0, name);
    assert.deepEqual(syntaxErrors(s), ['YAML syntax error: collections nest deeper than 1000 levels'], name);
  }
});

test('a 1,100-long chain of aliases, each one level deeper: refused by the expanded-depth limit', async () => {
  const s = await runBounded('analyze', { build: { name: 'deepAliasChain', args: [1100] } }, { maxHeapMb: 512 });
  assert.equal(s.findings, 0);
  assert.deepEqual(syntaxErrors(s), ['YAML syntax error: aliases nest this document deeper than 1000 levels']);
});

test('a 50 MB file: analysed completely within a 1.5 GB heap (the Pod at its head is reported)', async () => {
  const s = await runBounded('analyze', { build: { name: 'bigFile', args: [50] } }, { maxHeapMb: 1536, watchdogMs: 180_000 });
  assert.ok(s.length >= 50_000_000, `${s.length} characters`);
  assert.equal(s.documents, 2);
  assert.equal(s.findings, 1);
  assert.deepEqual(s.images, ['nginx']);
  assert.deepEqual(s.notices, []);
});

test('a file with 100,000 documents: every document analysed, every failing Pod reported', async () => {
  const s = await runBounded('analyze', { build: { name: 'documents', args: [100_000] } }, { maxHeapMb: 1536, watchdogMs: 180_000 });
  assert.equal(s.documents, 100_000);
  assert.equal(s.findings, 50_000);
  assert.deepEqual(s.images, ['nginx']);
});

test('a 1 MB single line (a scalar, and a flow mapping of 160,000 keys): analysed, the image reported', async () => {
  for (const name of ['longLine', 'longFlowLine'] as const) {
    const s = await runBounded('analyze', { build: { name } }, { maxHeapMb: 1024, watchdogMs: 120_000 });
    assert.ok(s.length >= 1_000_000, name);
    assert.equal(s.findings, 1, name);
    assert.deepEqual(s.images, ['nginx'], name);
    assert.deepEqual(s.notices, [], name);
  }
});

test('a Pod with 150,000 failing containers: every image reported (no quadratic dedupe, no stack overflow from push(...))', async () => {
  // Found by this tier: the collecting pattern walk de-duplicated failing paths with Array.includes (20,000
  // containers took 11 s) and appended them with push(...spread), which overflowed the stack past ~120,000.
  const s = await runBounded('analyze', { build: { name: 'manyContainers', args: [150_000] } }, { maxHeapMb: 1536, watchdogMs: 180_000 });
  assert.equal(s.findings, 150_000);
  assert.deepEqual(s.messages.map((m) => SEED_CODE_MESSAGE.test(m)), [true]);
  assert.doesNotMatch(s.messages.join('\n'), /RangeError|call stack/);
});

test('NUL bytes, lone surrogates, BOM, CRLF, CR-only, mixed line ends and tabs', async () => {
  const base = pod('odd', 'nginx');
  const cases: { name: string; text: string; findings: number; error?: RegExp }[] = [
    { name: 'NUL in a value', text: base.replace('name: odd', 'name: o\u0000dd'), findings: 0, error: /null byte|non-printable/ },
    { name: 'NUL alone', text: '\u0000', findings: 0 },
    { name: 'lone surrogate', text: base.replace('name: odd', 'name: o\ud800dd'), findings: 0, error: /non-printable/ },
    { name: 'BOM', text: `\uFEFF${base}`, findings: 1 },
    { name: 'BOM before every document marker', text: `\uFEFF---\n${base}\uFEFF---\n${base}`, findings: 2 },
    { name: 'CRLF', text: base.replace(/\n/g, '\r\n'), findings: 1 },
    { name: 'CR only', text: base.replace(/\n/g, '\r'), findings: 1 },
    { name: 'mixed line ends', text: base.split('\n').map((l, i) => l + (i % 3 === 0 ? '\r\n' : i % 3 === 1 ? '\n' : '\r')).join(''), findings: 1 },
    { name: 'tab-indented', text: base.replace(/^ {2}/gm, '\t'), findings: 0, error: /tab characters must not be used in indentation/ },
    { name: 'tab after the colon', text: base.replace('image: nginx', 'image:\tnginx'), findings: 1 },
    { name: 'unterminated quote at the very end', text: base.replace('image: nginx\n', 'image: "nginx'), findings: 0, error: /double quoted scalar/ },
  ];
  for (const c of cases) {
    const s = await runBounded('analyze', { text: c.text }, { maxHeapMb: 256 });
    assert.equal(s.findings, c.findings, `${c.name}: ${JSON.stringify(s)}`);
    if (c.error) {
      assert.equal(syntaxErrors(s).length, 1, `${c.name}: one syntax error, not a cascade`);
      assert.match(syntaxErrors(s)[0], c.error, c.name);
    }
    for (const n of s.notices) assert.ok(n.start >= 0 && n.start <= n.end && n.end <= s.length, `${c.name}: notice ${n.start}..${n.end} inside ${s.length} characters`);
    if (c.findings > 0) assert.deepEqual(s.images, ['nginx'], c.name);
  }
});
