/**
 * Fuzzing the CLI binary: folders of random files (clean, mutated and broken manifests and policies, binary noise,
 * invalid UTF-8, NUL bytes, empty files, a folder named like a YAML file, a dangling symlink) checked with every
 * output format. Exit status is always 0, 1 or 2 and follows the report, no stack trace ever reaches the user, JSON
 * and SARIF always parse, and the same input gives byte-identical output.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { fuzzOptions, manifestFile, mutated, policyFile, reportFuzz, yamlText } from './support/generators';
import { assertCleanExit, checkJsonReport, runCli, scratchDir } from './support/cli';
import { SEED_POLICY } from './support/engine';

type FileSpec = { kind: 'text'; text: string } | { kind: 'bytes'; bytes: number[] } | { kind: 'folder' } | { kind: 'dangling' };

const fileSpec: fc.Arbitrary<FileSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(manifestFile, mutated(manifestFile), yamlText).map((text) => ({ kind: 'text' as const, text })) },
  { weight: 3, arbitrary: fc.oneof(policyFile, mutated(policyFile, 2)).map((text) => ({ kind: 'text' as const, text })) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
  { weight: 1, arbitrary: fc.constantFrom<FileSpec>({ kind: 'folder' }, { kind: 'dangling' }, { kind: 'bytes', bytes: [0xef, 0xbb, 0xbf] }, { kind: 'text', text: '' }, { kind: 'bytes', bytes: [0x6b, 0x3a, 0x20, 0xc3, 0x28] }) },
);

function writeWorkspace(files: readonly FileSpec[]): string {
  const dir = scratchDir('fuzz-');
  fs.mkdirSync(path.join(dir, 'policies'));
  fs.writeFileSync(path.join(dir, 'policies', 'seed.yaml'), SEED_POLICY);
  files.forEach((spec, i) => {
    const p = path.join(dir, `f${i}.yaml`);
    if (spec.kind === 'text') fs.writeFileSync(p, spec.text);
    else if (spec.kind === 'bytes') fs.writeFileSync(p, Buffer.from(spec.bytes));
    else if (spec.kind === 'folder') fs.mkdirSync(p);
    else fs.symlinkSync(path.join(dir, 'missing.yaml'), p);
  });
  return dir;
}

test('random folders through `check` in json, sarif and text: clean exit, parseable output, byte-identical reruns', { timeout: 600_000 }, () => {
  let inputs = 0;
  let files = 0;
  const statuses = new Map<number, number>();
  fc.assert(fc.property(fc.array(fileSpec, { minLength: 1, maxLength: 6 }), fc.constantFrom('json', 'sarif', 'text'), (specs, format) => {
    inputs++;
    files += specs.length;
    const dir = writeWorkspace(specs);
    const json = runCli(['check', '--format', 'json', '.'], dir);
    assertCleanExit(json, 'check --format json');
    checkJsonReport(json, 'check --format json');
    statuses.set(json.status!, (statuses.get(json.status!) ?? 0) + 1);
    const again = runCli(['check', '--format', format, '.'], dir);
    assertCleanExit(again, `check --format ${format}`);
    assert.equal(again.status, json.status, 'every format exits the same way');
    if (format === 'json') assert.equal(again.stdout, json.stdout, 'same input, same output');
    if (format === 'sarif') {
      const sarif = JSON.parse(again.stdout) as { version: string; runs: { results: unknown[] }[] };
      assert.equal(sarif.version, '2.1.0');
      assert.ok(Array.isArray(sarif.runs[0].results));
    }
    if (format === 'text') assert.equal(runCli(['check', '.'], dir).stdout, again.stdout, 'same input, same output');
    fs.rmSync(dir, { recursive: true, force: true });
  }), fuzzOptions(40, 20));
  reportFuzz(`CLI: random folders, ${files} files, exit statuses ${JSON.stringify(Object.fromEntries(statuses))}`, inputs);
  assert.ok((statuses.get(2) ?? 0) > 0 && (statuses.get(1) ?? 0) > 0, 'the inputs reach both failing exit statuses');
});

test('random standard input (`check -`): clean exit and parseable JSON', { timeout: 600_000 }, () => {
  let inputs = 0;
  const dir = scratchDir('stdin-');
  fs.writeFileSync(path.join(dir, 'policy.yaml'), SEED_POLICY);
  fc.assert(fc.property(fc.oneof(yamlText, fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b))), (input) => {
    inputs++;
    const r = runCli(['check', '--policy', 'policy.yaml', '--format', 'json', '-'], dir, { input });
    assertCleanExit(r, 'check -');
    checkJsonReport(r, 'check -');
  }), fuzzOptions(25, 21));
  reportFuzz('CLI: random standard input', inputs);
});
