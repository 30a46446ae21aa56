/** Runs the bundled CLI (dist/cli.js) as CI would, with a heap cap and a hang watchdog. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as assert from 'node:assert/strict';
import { repoRoot } from '../../support/paths';

export const cliPath = path.join(repoRoot, 'dist', 'cli.js');

export interface CliRun { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export interface CliOptions {
  input?: string | Buffer;
  /** Old-generation heap cap for the CLI process (MB); exceeding it kills the process, which fails the check. */
  maxHeapMb?: number;
  /** Hang watchdog, generous: the run is killed and reported as hanging after this long. */
  watchdogMs?: number;
  env?: Record<string, string>;
}

export function runCli(args: readonly string[], cwd: string, options: CliOptions = {}): CliRun {
  const heap = options.maxHeapMb ?? 1024;
  const r = spawnSync(process.execPath, [`--max-old-space-size=${heap}`, cliPath, ...args], {
    cwd,
    input: options.input,
    encoding: 'utf8',
    timeout: options.watchdogMs ?? 120_000,
    maxBuffer: 1024 * 1024 * 1024,
    env: { ...process.env, ...options.env },
  });
  if (r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    throw new Error(`registry-guard ${args.join(' ')} did not finish within ${(options.watchdogMs ?? 120_000) / 1000} s: it hangs`);
  }
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Never a stack trace, a crash, an out-of-memory abort or an internal error; exit status 0, 1 or 2. */
export function assertCleanExit(r: CliRun, what: string): void {
  assert.equal(r.signal, null, `${what}: killed by ${r.signal}\n${r.stderr.slice(0, 2000)}`);
  assert.ok(r.status === 0 || r.status === 1 || r.status === 2, `${what}: exit ${r.status}\n${r.stderr.slice(0, 2000)}`);
  const output = `${r.stdout.slice(0, 200_000)}\n${r.stderr}`;
  assert.doesNotMatch(output, /^\s+at .+(:\d+:\d+\)?)$/m, `${what}: a stack trace\n${r.stderr.slice(0, 2000)}`);
  assert.doesNotMatch(output, /internal error|FATAL ERROR|heap out of memory|Maximum call stack|TypeError|ReferenceError/, `${what}: ${r.stderr.slice(0, 2000)}`);
}

/** One scratch root per test file, removed when the process ends. */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-reliability-'));
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));

export function scratchDir(prefix = 'ws-'): string {
  return fs.mkdtempSync(path.join(scratch, prefix));
}

export function workspace(files: Record<string, string | Buffer>): string {
  const dir = scratchDir();
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dir;
}

export interface JsonReport {
  results: { policy: string; rule: string; result: string; violations: { line: number; column: number }[] }[];
  errors: { file: string; line: number; column: number; message: string }[];
  summary: { pass: number; fail: number; warn: number; error: number; skip: number };
}

/** The JSON report parses, its summary counts its results, and the exit status follows from it. */
export function checkJsonReport(r: CliRun, what: string): JsonReport {
  let report: JsonReport;
  try {
    report = JSON.parse(r.stdout) as JsonReport;
  } catch (e) {
    throw new Error(`${what}: --format json output does not parse (${String(e)}): ${r.stdout.slice(0, 500)}`);
  }
  const counted = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const res of report.results) counted[res.result as keyof typeof counted]++;
  assert.deepEqual(report.summary, counted, `${what}: summary counts the results`);
  const expected = report.errors.length > 0 ? 2 : counted.fail + counted.error > 0 ? 1 : 0;
  assert.equal(r.status, expected, `${what}: exit status follows the report (${report.errors.length} errors)`);
  for (const res of report.results) {
    for (const v of res.violations) assert.ok(v.line >= 1 && v.column >= 1, `${what}: 1-based positions`);
  }
  return report;
}
