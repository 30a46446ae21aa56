import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../support/paths';

export const cliPath = path.join(repoRoot, 'dist', 'cli.js');

export interface CliRun { status: number | null; stdout: string; stderr: string }

/** Runs the real bundled binary, as a user or CI would. */
export function runCli(args: readonly string[], cwd: string, input?: string): CliRun {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', input, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One scratch root for this test file's workspaces, removed when the process ends. */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-cli-'));
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));

/** A throw-away folder with the given files (relative path → content). */
export function workspace(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(scratch, 'ws-'));
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dir;
}

export const seedPolicy = fs.readFileSync(path.join(repoRoot, 'examples', 'seed', 'restrict-image-registries.yaml'), 'utf8');

export function pod(name: string, images: string[], extra = ''): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${name}`,
    extra,
    'spec:',
    '  containers:',
    ...images.map((image, i) => `    - name: c${i}\n      image: ${image}`),
    '',
  ].filter((l) => l !== '').join('\n') + '\n';
}
