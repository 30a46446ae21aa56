// Keeps the benchmark from rotting: `node bench/run.mjs --smoke` runs every section at tiny sizes against the built
// dist/ bundles. This asserts that it completes and reports every section; it never asserts a timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../support/paths';

const SECTIONS = [
  '## 1. Inputs',
  '## 2. Edit → diagnostics',
  '## 3. Open → diagnostics',
  '## 4. Policy change',
  '## 5. CLI scan',
  '## 6. Memory',
  '## 7. Adversarial inputs',
  '## Targets',
];

test('bench --smoke runs every section and writes its report', { timeout: 5 * 60 * 1000 }, () => {
  const report = path.join(repoRoot, 'bench', 'data', 'results-smoke.md');
  fs.rmSync(report, { force: true });
  const run = spawnSync(process.execPath, [path.join(repoRoot, 'bench', 'run.mjs'), '--smoke'], {
    cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 4 * 60 * 1000,
  });
  const output = `${run.stdout}\n${run.stderr}`;
  assert.equal(run.status, 0, `bench --smoke exited ${run.status}:\n${output.slice(-4000)}`);
  assert.doesNotMatch(run.stdout, /Section failed/);
  for (const heading of SECTIONS) assert.ok(run.stdout.includes(heading), `missing section "${heading}"`);
  assert.match(run.stdout, /bench: all sections ran/);

  // Each measuring section produced its table with the servers and cases it promises.
  const section = (heading: string): string => {
    const start = run.stdout.indexOf(heading);
    const next = run.stdout.indexOf('\n## ', start + heading.length);
    return run.stdout.slice(start, next < 0 ? undefined : next);
  };
  const edits = section('## 2. Edit → diagnostics');
  for (const server of ['no-op server (floor)', 'payload floor', '| **Registry Guard** |', 'yaml-language-server']) {
    assert.ok(edits.includes(server), `section 2 has no row for ${server}`);
  }
  assert.match(section('## 3. Open → diagnostics'), /js-yaml loadAll \(floor\)[\s\S]*\| \*\*Registry Guard\*\* \|/);
  assert.match(section('## 4. Policy change'), /policy edit → all \d+ fresh/);
  assert.match(section('## 5. CLI scan'), /registry-guard check --format json .*exit 1\)/);
  assert.match(section('## 6. Memory'), /\| Registry Guard \| [\d.]+ [kM]B \|/);
  const adversarial = section('## 7. Adversarial inputs');
  for (const c of ['wildcardMatch', 'evaluatePattern', 'n rules', 'tiny Pods', 'one-image edit']) assert.ok(adversarial.includes(c), `section 7 has no ${c} case`);

  assert.ok(fs.existsSync(report), 'bench/data/results-smoke.md was not written');
  assert.equal(fs.readFileSync(report, 'utf8').trim(), run.stdout.slice(0, run.stdout.lastIndexOf('\nwritten to ')).trim());
});
