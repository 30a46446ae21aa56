/**
 * One hermetic code-server + headless chromium session: a fresh run folder under <repo>/.tmp/runs with its own
 * HOME, XDG dirs, TMPDIR, user-data-dir, extensions dir, browser profile and a fresh copy of the workspace, so
 * no run sees another's editor state (hot-exit backups would otherwise restore unsaved edits) and nothing is
 * written under /root or /tmp. code-server's and the browser's logs are kept in the results folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { chromiumPath, codeServerEntry, loadPlaywright, repoRoot, type BrowserContext, type Page } from './tools';

export interface RunDir {
  root: string;
  workspace: string;
  userData: string;
  extensions: string;
  browserProfile: string;
  /** HOME, XDG_* and TMPDIR pointing into the run folder. */
  env: Record<string, string>;
}

/** Creates the run folder and points this process's own temp and home there too (playwright writes to TMPDIR). */
export function createRunDir(name: string, workspaceTemplate: string): RunDir {
  const runsDir = path.join(repoRoot, '.tmp', 'runs');
  fs.mkdirSync(runsDir, { recursive: true });
  const root = fs.mkdtempSync(path.join(runsDir, `${name}-`));
  const home = path.join(root, 'home');
  const env = {
    HOME: home,
    TMPDIR: path.join(root, 'tmp'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    XDG_RUNTIME_DIR: path.join(root, 'runtime'),
  };
  for (const dir of Object.values(env)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  Object.assign(process.env, env);
  const run: RunDir = {
    root,
    workspace: path.join(root, 'workspace'),
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    browserProfile: path.join(root, 'chromium-profile'),
    env,
  };
  fs.cpSync(workspaceTemplate, run.workspace, { recursive: true });
  fs.mkdirSync(path.join(run.userData, 'User'), { recursive: true });
  fs.mkdirSync(run.extensions, { recursive: true });
  // Quiet, deterministic workbench: no welcome page, no trust prompt, no update or telemetry traffic, no git scan.
  fs.writeFileSync(path.join(run.userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'git.enabled': false,
    'files.hotExit': 'off',
    // The web workbench auto-saves after a delay by default; the tests make unsaved edits on purpose.
    'files.autoSave': 'off',
    'editor.hover.delay': 300,
  }, null, 2));
  fs.writeFileSync(path.join(root, 'code-server.yaml'), 'auth: none\ncert: false\n');
  return run;
}

export function removeRunDir(run: RunDir): void {
  if (process.env.KEEP_RUN_DIRS === '1') {
    console.log(`run folder kept: ${run.root}`);
    return;
  }
  fs.rmSync(run.root, { recursive: true, force: true });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs code-server's CLI to completion (e.g. --install-extension), with the run's hermetic environment. */
export function codeServerCommand(run: RunDir, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [codeServerEntry, '--config', path.join(run.root, 'code-server.yaml'),
      '--user-data-dir', run.userData, '--extensions-dir', run.extensions, ...args],
    { env: { ...process.env, ...run.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d) => { output += d; });
    child.stderr?.on('data', (d) => { output += d; });
    child.on('close', (code) => resolve({ code, output }));
  });
}

export class CodeServer {
  private logText = '';
  private constructor(private readonly child: ChildProcess, readonly port: number) {
    child.stdout?.on('data', (d) => { this.logText += d; });
    child.stderr?.on('data', (d) => { this.logText += d; });
  }

  get authority(): string {
    return `127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.logText;
  }

  /** A path on the server as the workbench's remote file system names it. */
  remoteUri(file: string): string {
    return `vscode-remote://${this.authority}${file}`;
  }

  workbenchUrl(folder: string, payload?: [string, string][]): string {
    const query = `folder=${encodeURIComponent(folder)}`;
    return `http://${this.authority}/?${query}${payload ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''}`;
  }

  static async start(run: RunDir, extraEnv: Record<string, string> = {}): Promise<CodeServer> {
    const port = await freePort();
    const args = [codeServerEntry,
      '--config', path.join(run.root, 'code-server.yaml'),
      '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
      '--user-data-dir', run.userData, '--extensions-dir', run.extensions,
      run.workspace];
    // detached: its own process group, so stop() also ends the extension host and the language server.
    const child = spawn(process.execPath, args, { env: { ...process.env, ...run.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const server = new CodeServer(child, port);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${server.log}`);
      try {
        if ((await fetch(`http://${server.authority}/healthz`)).ok) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`code-server did not answer /healthz within 60 s:\n${server.log}`);
      }
      await delay(200);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      process.kill(-this.child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const stopped = await Promise.race([exited.then(() => true), delay(5000).then(() => false)]);
    if (!stopped) {
      try { process.kill(-this.child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  console: string[];
}

export async function launchBrowser(run: RunDir): Promise<Browser> {
  const { chromium } = loadPlaywright();
  const context = await chromium.launchPersistentContext(run.browserProfile, {
    executablePath: chromiumPath,
    headless: true,
    env: { ...process.env, ...run.env },
    viewport: { width: 1400, height: 860 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? await context.newPage();
  const lines: string[] = [];
  page.on('console', (m) => lines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => lines.push(`[pageerror] ${e.message}`));
  return { context, page, console: lines };
}
