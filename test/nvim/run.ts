/**
 * Neovim as a second LSP client: headless `nvim` starts `node dist/server.js --stdio` (the same server the VS Code
 * extension runs), opens the seed Pod, and must see exactly the diagnostic Kyverno's verdict implies (code, range,
 * severity, source, message); after the image is edited to Amazon ECR Public the diagnostic must clear.
 *
 * usage: node out/test/nvim/run.js     (after `npm run build`; nvim from e2e/setup.sh)
 * out:   `ok`/`not ok` per check, the client's observations as one JSON line, `N passed, N failed`; exit 0/1.
 *        Without nvim: a failure under CI=true, otherwise a printed skip (exit 77).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRunDir, removeRunDir } from '../vscode/harness/codeServer';
import { onPath, repoRoot, requireBuilt, requireTools, seedWorkspace } from '../vscode/harness/tools';

const TIER = 'nvim LSP client';
const ECR_IMAGE = 'public.ecr.aws/nginx/nginx';

interface SeenDiagnostic {
  lnum: number; col: number; end_lnum: number; end_col: number;
  severity: number; source?: string; code?: string | number; message: string;
}
interface Observation {
  ok: boolean; error?: string; nvim?: string;
  diagnostics?: SeenDiagnostic[]; diagnostics_after_edit?: SeenDiagnostic[]; line_after_edit?: string;
}

/** Where `nginx` is on the Pod's `- image: nginx` line (0-based, UTF-16 = ASCII here), read from the fixture. */
function imageSpan(text: string): { line: number; col: number; endCol: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => /^\s*- image: nginx\s*$/.test(l));
  if (line < 0) throw new Error('the seed pod.yaml has no `- image: nginx` line');
  const col = lines[line].indexOf('nginx', lines[line].indexOf(':'));
  return { line, col, endCol: col + 'nginx'.length };
}

function main(): number {
  requireTools(TIER, [{ name: 'nvim', present: onPath('nvim') !== undefined, hint: 'apt-get install neovim (bash e2e/setup.sh)' }]);
  const server = path.join(repoRoot, 'dist', 'server.js');
  requireBuilt(TIER, [server]);

  const run = createRunDir('nvim', seedWorkspace);
  const podFile = path.join(run.workspace, 'pod.yaml');
  const span = imageSpan(fs.readFileSync(podFile, 'utf8'));
  const started = Date.now();
  const nvim = spawnSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${path.join(repoRoot, 'test', 'nvim', 'lsp-check.lua')}`], {
    cwd: run.workspace,
    encoding: 'utf8',
    timeout: 90_000,
    env: {
      ...process.env, ...run.env,
      LSP_SERVER: server, ROOT_DIR: run.workspace, YAML_FILE: podFile,
      EDIT_LINE: String(span.line), EDIT_COL: String(span.col), EDIT_END_COL: String(span.endCol), EDIT_TEXT: ECR_IMAGE,
    },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  removeRunDir(run);

  const jsonLine = (nvim.stdout ?? '').split('\n').find((l) => l.startsWith('{'));
  let seen: Observation | undefined;
  try {
    seen = jsonLine ? (JSON.parse(jsonLine) as Observation) : undefined;
  } catch {
    seen = undefined;
  }
  const checks: [string, boolean, string?][] = [];
  const check = (name: string, pass: boolean, detail?: string): void => { checks.push([name, pass, detail]); };

  check('nvim ran the client script and printed its observations', seen !== undefined,
    `exit ${String(nvim.status)} ${nvim.error?.message ?? ''}\nstdout: ${nvim.stdout}\nstderr: ${nvim.stderr}`);
  if (seen) {
    const diagnostics = seen.diagnostics ?? [];
    const d = diagnostics[0];
    check('exactly one diagnostic on the seed Pod', diagnostics.length === 1, JSON.stringify(diagnostics));
    check('it is an Error from "Registry Guard"', d?.severity === 1 && d?.source === 'Registry Guard', JSON.stringify(d));
    check('its code is restrict-image-registries/validate-registries', d?.code === 'restrict-image-registries/validate-registries', JSON.stringify(d?.code));
    check('its range is exactly `nginx` on the image line',
      d?.lnum === span.line && d?.col === span.col && d?.end_lnum === span.line && d?.end_col === span.endCol,
      `expected ${span.line}:${span.col}-${span.line}:${span.endCol}, got ${JSON.stringify(d && [d.lnum, d.col, d.end_lnum, d.end_col])}`);
    check('its message is Kyverno\'s "Unknown Image registry."', /Unknown Image registry\./.test(d?.message ?? ''), d?.message);
    check(`after editing the image to ${ECR_IMAGE} the diagnostic clears`,
      seen.ok && seen.line_after_edit?.trim() === `- image: ${ECR_IMAGE}` && (seen.diagnostics_after_edit ?? []).length === 0,
      seen.error ?? JSON.stringify({ line: seen.line_after_edit, after: seen.diagnostics_after_edit }));
  }

  for (const [name, pass, detail] of checks) {
    console.log(`${pass ? 'ok' : 'not ok'} - ${name}${pass || !detail ? '' : `\n    ${detail.replace(/\n/g, '\n    ')}`}`);
  }
  if (jsonLine) console.log(`nvim observations: ${jsonLine}`);
  console.log(`${TIER}: ${seconds} s`);
  const passed = checks.filter((c) => c[1]).length;
  const failed = checks.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

process.exit(main());
