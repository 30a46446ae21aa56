/**
 * No network without an explicit setting: the whole node test suite (unit, conformance, CLI, protocol) runs with
 * every network call trapped (trapNetwork.cjs, preloaded through NODE_OPTIONS so the CLI and server processes the
 * tests start inherit it), and not one attempt may be recorded. The trap itself is tested first, so "zero attempts"
 * cannot pass because the trap missed them.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../support/paths';
import { scratchDir } from './support/cli';

const TRAP = path.join(repoRoot, 'test', 'reliability', 'trapNetwork.cjs');

function trappedEnv(log: string): NodeJS.ProcessEnv {
  return { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(TRAP).slice(1, -1)}`.trim(), REGISTRY_GUARD_NETWORK_LOG: log };
}

interface Attempt { pid: number; kind: string; destination: string; argv: string; stack: string }

function attempts(log: string): Attempt[] {
  if (!fs.existsSync(log)) return [];
  return fs.readFileSync(log, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Attempt);
}

test('the trap catches every way out: net, tls, http, https, dns, fetch — in the process and in its children; loopback stays open', () => {
  const log = path.join(scratchDir('trap-'), 'attempts.jsonl');
  const probe = `
    const tries = [
      () => require('node:net').connect(443, '203.0.113.7'),
      () => require('node:net').createConnection({ host: 'registry-1.docker.io', port: 443 }),
      () => require('node:tls').connect({ host: 'public.ecr.aws', port: 443 }),
      () => require('node:http').get('http://example.com/'),
      () => require('node:https').request({ hostname: 'ghcr.io', path: '/v2/' }),
      () => require('node:dns').lookup('quay.io', () => {}),
      () => require('node:dns').promises.resolve4('gcr.io'),
      () => fetch('https://public.ecr.aws/v2/'),
      () => new (require('node:net').Socket)().connect(80, '198.51.100.1'),
    ];
    let thrown = 0;
    for (const t of tries) { try { const r = t(); if (r && typeof r.catch === 'function') r.catch(() => {}); } catch (e) { if (e.code === 'ERR_NETWORK_TRAPPED') thrown++; } }
    const s = require('node:net').createServer().listen(0, '127.0.0.1', () => {
      const c = require('node:net').connect(s.address().port, '127.0.0.1', () => { c.end(); s.close(); });
    });
    require('node:child_process').execFileSync(process.execPath, ['-e', "try { require('node:net').connect(53, '8.8.8.8') } catch {}"]);
    setTimeout(() => { console.log(thrown); }, 200);
  `;
  const r = spawnSync(process.execPath, ['-e', probe], { env: trappedEnv(log), encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  const recorded = attempts(log);
  const destinations = new Set(recorded.map((a) => a.destination.replace(/^https?:\/\/([^/]+).*$/, '$1').replace(/:\d+$/, '')));
  for (const host of ['203.0.113.7', 'registry-1.docker.io', 'public.ecr.aws', 'example.com', 'ghcr.io', 'quay.io', 'gcr.io', '198.51.100.1', '8.8.8.8']) {
    assert.ok(destinations.has(host), `${host} was trapped: ${[...destinations].join(', ')}`);
  }
  assert.ok(!destinations.has('127.0.0.1'), 'loopback is not trapped');
  assert.ok(recorded.some((a) => a.pid !== recorded[0].pid), 'a child process inherits the trap');
  assert.equal(Number(r.stdout.trim()) >= 8, true, `synchronous attempts throw: ${r.stdout}`);
});

test('the node test suite (unit, conformance, CLI, protocol) makes no network access at all', { timeout: 900_000 }, () => {
  const files: string[] = [];
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.test.js')) files.push(p);
    }
  };
  for (const tier of ['unit', 'conformance', 'cli', 'protocol']) walk(path.join(repoRoot, 'out', 'test', tier));
  assert.ok(files.length > 20, `the compiled suite is there (${files.length} files): run npm run build`);
  const log = path.join(scratchDir('suite-'), 'attempts.jsonl');
  // NODE_TEST_CONTEXT marks a process as a test file's child; without removing it the inner runner refuses to run.
  const env = trappedEnv(log);
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', '--test-concurrency=2', ...files], {
    cwd: repoRoot, env, encoding: 'utf8', timeout: 840_000, maxBuffer: 256 * 1024 * 1024,
  });
  const tests = Number(/^# tests (\d+)$/m.exec(r.stdout ?? '')?.[1] ?? 0);
  const passed = Number(/^# pass (\d+)$/m.exec(r.stdout ?? '')?.[1] ?? 0);
  const failing = [...(r.stdout ?? '').matchAll(/^\s*not ok \d+ - (.*)$/gm)].map((m) => m[1]);
  console.log(`network trap: ${tests} tests in ${files.length} files ran (${passed} passed; their own failures are reported by their tiers), ${attempts(log).length} network attempts`);
  if (failing.length > 0) console.log(`not passing under the trap: ${failing.join(' | ')}`);
  assert.ok(tests > 500, `the suite ran under the trap (${tests} tests)\n${(r.stderr ?? '').slice(0, 2000)}`);
  const recorded = attempts(log);
  assert.deepEqual(recorded.map((a) => `${a.kind} ${a.destination} from ${a.argv}\n${a.stack}`), [], 'no test made a network call');
  assert.doesNotMatch(r.stdout ?? '', /ERR_NETWORK_TRAPPED|network access blocked/, 'no test hit the trap');
});
