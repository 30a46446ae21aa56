/**
 * `registry-guard fix` never corrupts a file. Contract: `fix [--dry-run] PATH...` applies the preferred rewrites;
 * --dry-run prints a unified diff and writes nothing; writes are atomic (a temporary file in the same folder, then a
 * rename); a file that changed since it was read is never touched (exit 2, naming it). The race test runs fix over
 * many files while another process keeps appending to them: every file ends either untouched by fix (all of the
 * writer's lines) or fixed from exactly a content it had, followed by the writer's later lines — never a torn file.
 *
 * Until fix exists (the CLI answers "not available yet") these tests are skipped with that reason printed.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertCleanExit, cliPath, runCli, workspace } from './support/cli';
import { SEED_POLICY } from './support/engine';
import { pod } from './support/hostileInputs';

function fixAvailability(): string | false {
  const dir = workspace({ 'probe.yaml': pod('probe', 'public.ecr.aws/nginx/nginx') });
  const r = runCli(['fix', '--dry-run', 'probe.yaml'], dir);
  if (/not available yet/.test(r.stderr)) return `registry-guard fix is not available yet (server/src/cli/fix.ts says so): ${r.stderr.trim()}`;
  return false;
}

const unavailable = fixAvailability();
if (unavailable) console.log(`SKIPPED fix reliability tests: ${unavailable}`);
const FIX = { skip: unavailable, timeout: 300_000 };

const FIXED_IMAGE = 'public.ecr.aws/docker/library/nginx';

function files(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

test('fix --dry-run prints a unified diff of the rewrite and writes nothing', FIX, () => {
  const original = pod('web', 'nginx');
  const dir = workspace({ 'policy.yaml': SEED_POLICY, 'pod.yaml': original });
  const before = fs.statSync(path.join(dir, 'pod.yaml'));
  const r = runCli(['fix', '--dry-run', '--policy', 'policy.yaml', 'pod.yaml'], dir);
  assertCleanExit(r, 'fix --dry-run');
  assert.match(r.stdout, /^--- a\/pod\.yaml$/m);
  assert.match(r.stdout, /^\+\+\+ b\/pod\.yaml$/m);
  assert.match(r.stdout, /^@@ -\d+,\d+ \+\d+,\d+ @@/m);
  assert.match(r.stdout, /^- {6}image: nginx$/m);
  assert.match(r.stdout, new RegExp(`^\\+ {6}image: ${FIXED_IMAGE.replace(/[./]/g, '\\$&')}$`, 'm'));
  assert.equal(fs.readFileSync(path.join(dir, 'pod.yaml'), 'utf8'), original, 'nothing written');
  const after = fs.statSync(path.join(dir, 'pod.yaml'));
  assert.equal(after.mtimeMs, before.mtimeMs);
  assert.equal(after.ino, before.ino);
  assert.deepEqual(files(dir), ['pod.yaml', 'policy.yaml'], 'no temporary file left');
});

test('fix rewrites only the image text, keeps quotes, CRLF, BOM and file mode, leaves no temporary file, and a second run changes nothing', FIX, () => {
  const crlf = `\uFEFF${pod('web', '"nginx:1.25"', '\r\n')}`;
  const dir = workspace({ 'policy.yaml': SEED_POLICY, 'crlf.yaml': crlf, 'plain.yaml': pod('api', 'nginx') });
  fs.chmodSync(path.join(dir, 'crlf.yaml'), 0o640);
  const inode = fs.statSync(path.join(dir, 'crlf.yaml')).ino;
  const r = runCli(['fix', '--policy', 'policy.yaml', 'crlf.yaml', 'plain.yaml'], dir);
  assertCleanExit(r, 'fix');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(fs.readFileSync(path.join(dir, 'crlf.yaml'), 'utf8'), crlf.replace('"nginx:1.25"', `"${FIXED_IMAGE}:1.25"`));
  assert.equal(fs.readFileSync(path.join(dir, 'plain.yaml'), 'utf8'), pod('api', FIXED_IMAGE));
  assert.equal(fs.statSync(path.join(dir, 'crlf.yaml')).mode & 0o777, 0o640, 'mode kept');
  assert.notEqual(fs.statSync(path.join(dir, 'crlf.yaml')).ino, inode, 'replaced by a rename, not rewritten in place');
  assert.deepEqual(files(dir), ['crlf.yaml', 'plain.yaml', 'policy.yaml'], 'no temporary file left');
  const check = runCli(['check', '--policy', 'policy.yaml', 'crlf.yaml', 'plain.yaml'], dir);
  assert.equal(check.status, 0, `the fixed files pass: ${check.stdout}`);
  const again = runCli(['fix', '--policy', 'policy.yaml', 'crlf.yaml', 'plain.yaml'], dir);
  assert.equal(again.status, 0);
  assert.equal(fs.readFileSync(path.join(dir, 'plain.yaml'), 'utf8'), pod('api', FIXED_IMAGE), 'idempotent');
});

test('fix on a symbolic link rewrites the file it points to and keeps the link', FIX, () => {
  const dir = workspace({ 'policy.yaml': SEED_POLICY, 'real/pod.yaml': pod('web', 'nginx') });
  fs.symlinkSync(path.join('real', 'pod.yaml'), path.join(dir, 'link.yaml'));
  const r = runCli(['fix', '--policy', 'policy.yaml', 'link.yaml'], dir);
  assertCleanExit(r, 'fix link.yaml');
  assert.ok(fs.lstatSync(path.join(dir, 'link.yaml')).isSymbolicLink(), 'link.yaml is still a symbolic link');
  assert.equal(fs.readFileSync(path.join(dir, 'real', 'pod.yaml'), 'utf8'), pod('web', FIXED_IMAGE), 'the target is fixed');
});

test('a file that changed since fix read it is never touched, and fix exits 2 naming it (race with a concurrent writer)', FIX, async () => {
  const COUNT = 150;
  const original = (i: number) => pod(`p${i}`, 'nginx');
  const names = Array.from({ length: COUNT }, (_, i) => `m${String(i).padStart(3, '0')}.yaml`);
  const dir = workspace({ 'policy.yaml': SEED_POLICY, ...Object.fromEntries(names.map((n, i) => [n, original(i)])) });

  // The writer appends numbered comment lines to the odd-numbered files, one about every millisecond, until told to
  // stop, then reports how many each file got. Even-numbered files are never written: fix must fix all of them.
  const writerScript = `
    const fs = require('node:fs');
    const names = ${JSON.stringify(names)};
    const counts = names.map(() => 0);
    let stop = false;
    process.stdin.on('data', () => { stop = true; });
    (function loop() {
      if (stop) { process.stdout.write(JSON.stringify(counts)); process.exit(0); }
      const i = 2 * Math.floor(Math.random() * Math.floor(names.length / 2)) + 1;
      counts[i]++;
      fs.appendFileSync(names[i], '# append ' + i + '-' + counts[i] + '\\n');
      setTimeout(loop, 1);
    })();`;
  const writer = spawn(process.execPath, ['-e', writerScript], { cwd: dir, stdio: ['pipe', 'pipe', 'inherit'] });
  let writerOut = '';
  writer.stdout.on('data', (d: Buffer) => { writerOut += d.toString(); });
  const writerDone = new Promise<void>((resolve) => writer.once('exit', () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, 200));

  const fix = spawn(process.execPath, [cliPath, 'fix', '--policy', 'policy.yaml', ...names], { cwd: dir });
  let stdout = '';
  let stderr = '';
  fix.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  fix.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const status = await new Promise<number | null>((resolve) => fix.once('exit', (code) => resolve(code)));
  writer.stdin.end('stop');
  await writerDone;
  const counts = JSON.parse(writerOut) as number[];
  assertCleanExit({ status, signal: null, stdout, stderr }, 'fix under a concurrent writer');

  const refused = new Set([...stderr.matchAll(/^registry-guard: (\S+): not written: the file changed since it was read$/gm)].map((m) => m[1]));
  let fixedFiles = 0;
  let lostAppends = 0;
  names.forEach((name, i) => {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    const body = original(i);
    const fixedBody = pod(`p${i}`, FIXED_IMAGE);
    const isFixed = text.startsWith(fixedBody);
    assert.ok(isFixed || text.startsWith(body), `${name}: the body is exactly the original or exactly the fixed one:\n${text.slice(0, 400)}`);
    const tail = text.slice((isFixed ? fixedBody : body).length);
    // After the body only whole appended lines, in the writer's order; none torn, none twice.
    assert.match(tail, /^(# append \d+-\d+\n)*$/, `${name}: only whole appended lines after the body:\n${tail.slice(0, 400)}`);
    const seen = [...tail.matchAll(/# append (\d+)-(\d+)\n/g)].map((m) => { assert.equal(Number(m[1]), i, `${name}: its own lines only`); return Number(m[2]); });
    for (let k = 1; k < seen.length; k++) assert.ok(seen[k] > seen[k - 1], `${name}: appended lines in order, none twice: ${seen.join(',')}`);
    if (isFixed) {
      fixedFiles++;
      assert.ok(!refused.has(name), `${name}: fixed, so not reported as refused`);
      // Lines the writer appended while fix replaced the file may be lost: the window between fix's last check and its
      // rename. Everything else must be there.
      lostAppends += counts[i] - seen.length;
    } else {
      assert.deepEqual(seen, Array.from({ length: counts[i] }, (_, k) => k + 1), `${name}: untouched by fix, so every appended line is there`);
      assert.ok(refused.has(name), `${name}: left unfixed, so fix named it as changed: ${stderr.slice(0, 2000)}`);
    }
  });
  assert.equal(status, refused.size > 0 ? 2 : 0, `exit 2 exactly when a file was refused (${refused.size})`);
  assert.deepEqual(files(dir).filter((f) => !names.includes(f) && f !== 'policy.yaml'), [], 'no temporary file left');
  console.log(`fix race: ${COUNT} files, ${counts.reduce((a, b) => a + b, 0)} concurrent appends, ${fixedFiles} fixed, ${refused.size} refused as changed, ${lostAppends} appends lost in the check-to-rename window`);
  assert.ok(fixedFiles >= COUNT / 2, 'every file nobody else wrote is fixed');
  for (let i = 0; i < COUNT; i += 2) assert.ok(fs.readFileSync(path.join(dir, names[i]), 'utf8') === pod(`p${i}`, FIXED_IMAGE), `${names[i]} fixed`);
  assert.ok(lostAppends <= COUNT, `appends are lost only in the narrow window before a rename (${lostAppends})`);
});
