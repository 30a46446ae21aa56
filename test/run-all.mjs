// The one test command. Runs every tier in order and closes with `N passed, N failed`.
// Tiers that need an editor (code-server, Neovim) are added by their own scripts under test/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;

function run(title, cmd, args, opts = {}) {
  console.log(`\n=== ${title} ===`);
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024, ...opts });
  process.stdout.write(r.stdout ?? '');
  return r;
}

function testFiles(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const build = run('build', process.execPath, ['esbuild.mjs']);
if (build.status !== 0) { console.log('0 passed, 1 failed'); process.exit(1); }

// Node-level tiers: engine unit and conformance, CLI, protocol.
const nodeTiers = ['unit', 'conformance', 'cli', 'protocol'];
for (const tier of nodeTiers) {
  const files = testFiles(join(root, 'out', 'test', tier));
  if (files.length === 0) continue;
  const r = run(`node tests: ${tier}`, process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=2', ...files]);
  const p = /ℹ pass (\d+)/.exec(r.stdout ?? '');
  const f = /ℹ fail (\d+)/.exec(r.stdout ?? '');
  passed += p ? Number(p[1]) : 0;
  failed += f ? Number(f[1]) : (r.status === 0 ? 0 : 1);
  if (!p && r.status !== 0) console.log(`tier ${tier} exited ${r.status} without a summary`);
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
