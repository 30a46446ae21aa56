/**
 * Hostile and odd files through the CLI binary, each run with a heap cap and a hang watchdog: bombs and deep
 * nesting, a 50 MB file, 100,000 documents, a 1 MB line, and bytes that are not UTF-8 text.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertCleanExit, checkJsonReport, runCli, workspace } from './support/cli';
import { SEED_POLICY } from './support/engine';
import * as hostile from './support/hostileInputs';

function check(files: Record<string, string | Buffer>, maxHeapMb = 1024) {
  const dir = workspace({ 'policy.yaml': SEED_POLICY, ...files });
  const r = runCli(['check', '--policy', 'policy.yaml', '--format', 'json', ...Object.keys(files)], dir, { maxHeapMb, watchdogMs: 180_000 });
  assertCleanExit(r, Object.keys(files).join(' '));
  return { r, report: checkJsonReport(r, Object.keys(files).join(' ')), dir };
}

test('YAML bombs, cycles and deep nesting: exit 2 with one located syntax error per file, never a crash', () => {
  const { r, report } = check({
    'laughs.yaml': hostile.billionLaughs(),
    'merge-bomb.yaml': hostile.mergeKeyBomb(),
    'circular.yaml': hostile.circularMerge(),
    'cycle.yaml': hostile.selfContainingAlias(),
    'deep.yaml': hostile.deepFlowNesting(),
    'unclosed.yaml': hostile.deepUnclosedFlow(),
    'ok.yaml': hostile.pod('ok', 'nginx'),
  }, 256);
  assert.equal(r.status, 2);
  assert.deepEqual(report.errors.map((e) => e.file).sort(), ['circular.yaml', 'cycle.yaml', 'deep.yaml', 'laughs.yaml', 'merge-bomb.yaml', 'unclosed.yaml']);
  for (const e of report.errors) {
    assert.ok(e.line >= 1 && e.column >= 1, `${e.file}: located`);
    assert.match(e.message, /aliases expand|refers to a node that contains it|nest deeper than 1000/, e.file);
  }
  assert.deepEqual(report.results.map((x) => [x.result, x.policy]), [['fail', 'restrict-image-registries']], 'the good file is still checked');
});

test('a 50 MB file: checked completely under a 1 GB heap', () => {
  const { r, report } = check({ 'big.yaml': hostile.bigFile(50) }, 1024);
  assert.equal(r.status, 1);
  assert.equal(report.results.length, 1, 'the Pod at the head of the file');
  assert.deepEqual(report.errors, []);
});

test('a file with 100,000 documents: every Pod judged', () => {
  const { r, report } = check({ 'many.yaml': hostile.documents(100_000) }, 1536);
  assert.equal(r.status, 1);
  assert.deepEqual(report.summary, { pass: 50_000, fail: 50_000, warn: 0, error: 0, skip: 0 });
});

test('a 1 MB single line: checked, the failing image located on the line after it', () => {
  const { report } = check({ 'line.yaml': hostile.longLine(), 'flow.yaml': hostile.longFlowLine() });
  assert.equal(report.results.length, 2);
  assert.deepEqual(report.results.map((x) => x.result), ['fail', 'fail']);
  assert.deepEqual(report.results.map((x) => x.violations[0].line), [8, 4]);
});

test('bytes that are not UTF-8 text are refused with a message naming the file; BOM, CRLF, CR and mixed line ends are read', () => {
  const base = hostile.pod('odd', 'nginx');
  const { r, report } = check({
    'nul.yaml': Buffer.from(base.replace('odd', 'o\u0000dd')),
    'latin1.yaml': Buffer.concat([Buffer.from('apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    'truncated.yaml': Buffer.from([...Buffer.from('name: '), 0xe2, 0x82]),
    'utf16.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(base, 'utf16le')]),
    'bom.yaml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(base)]),
    'crlf.yaml': base.replace(/\n/g, '\r\n'),
    'cr.yaml': base.replace(/\n/g, '\r'),
    'mixed.yaml': base.split('\n').map((l, i) => l + (i % 2 === 0 ? '\r\n' : '\n')).join(''),
  });
  assert.equal(r.status, 2);
  assert.deepEqual(report.errors.map((e) => [e.file, e.message]).sort(), [
    ['latin1.yaml', 'not a text file: it is not valid UTF-8'],
    ['nul.yaml', 'not a text file: it contains NUL bytes'],
    ['truncated.yaml', 'not a text file: it is not valid UTF-8'],
    ['utf16.yaml', 'not a text file: it contains NUL bytes'],
  ]);
  assert.equal(report.results.filter((x) => x.result === 'fail').length, 4, 'bom, crlf, cr and mixed are each judged');
  assert.ok(report.results.every((x) => x.violations[0].line === 8 && x.violations[0].column === 14), JSON.stringify(report.results.map((x) => x.violations)));
});

test('an unreadable input (a dangling symlink, a folder named like a YAML file) is reported and the others are still checked', () => {
  const dir = workspace({ 'policy.yaml': SEED_POLICY, 'good.yaml': hostile.pod('good', 'nginx') });
  fs.symlinkSync(path.join(dir, 'nowhere.yaml'), path.join(dir, 'dangling.yaml'));
  fs.mkdirSync(path.join(dir, 'folder.yaml'));
  const r = runCli(['check', '--policy', 'policy.yaml', '--format', 'json', 'dangling.yaml', 'good.yaml', 'folder.yaml', 'missing.yaml'], dir);
  assertCleanExit(r, 'unreadable inputs');
  const report = checkJsonReport(r, 'unreadable inputs');
  assert.equal(r.status, 2);
  assert.deepEqual(report.errors.map((e) => [e.file, e.message]).sort(), [
    ['dangling.yaml', 'cannot read: no such file or folder'],
    ['missing.yaml', 'cannot read: no such file or folder'],
  ]);
  assert.equal(report.results.length, 1);
  assert.equal(report.results[0].result, 'fail');
});
