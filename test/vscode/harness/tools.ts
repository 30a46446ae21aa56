/**
 * Where the editor tiers find their tools, and what happens when one is missing.
 *
 * The tools are installed by e2e/setup.sh: Debian's chromium and nvim, and code-server + playwright-core in
 * e2e/node_modules (a separate package, so the extension's own install never compiles code-server).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot } from '../../support/paths';

export { repoRoot };
export const e2eDir = path.join(repoRoot, 'e2e');
export const codeServerEntry = path.join(e2eDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const chromiumPath = process.env.REGISTRY_GUARD_CHROMIUM ?? '/usr/bin/chromium';
export const seedWorkspace = path.join(repoRoot, 'test', 'fixtures', 'workspace-seed');
export const testResultsDir = path.join(repoRoot, 'test-results');

/** Exit status of a tier that could not run because a tool is missing (outside CI only), as in automake. */
export const SKIPPED_EXIT = 77;

export function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export interface ToolCheck { name: string; present: boolean; hint: string }

export function fileTool(name: string, file: string, hint: string): ToolCheck {
  return { name, present: fs.existsSync(file), hint };
}

/**
 * A missing tool is a failure under CI=true (the pipeline installs everything, so absence is a bug) and a clearly
 * printed skip elsewhere; a skip is never counted as a pass. Returns only when every tool is present.
 */
export function requireTools(tier: string, checks: ToolCheck[]): void {
  const missing = checks.filter((c) => !c.present);
  if (missing.length === 0) return;
  const lines = missing.map((m) => `  missing ${m.name}: ${m.hint}`).join('\n');
  if (process.env.CI === 'true') {
    console.log(`${tier}: FAILED, required tools are missing (CI=true):\n${lines}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  console.log(`${tier}: SKIPPED, tools are missing (run e2e/setup.sh):\n${lines}`);
  process.exit(SKIPPED_EXIT);
}

/** The checks every code-server tier needs. */
export function codeServerTools(): ToolCheck[] {
  return [
    fileTool('code-server', codeServerEntry, 'bash e2e/setup.sh (npm ci in e2e/)'),
    fileTool('playwright-core', path.join(e2eDir, 'node_modules', 'playwright-core', 'package.json'), 'bash e2e/setup.sh'),
    fileTool('chromium', chromiumPath, 'apt-get install chromium (bash e2e/setup.sh)'),
  ];
}

/** Files the build produces: their absence is a failure in every environment, never a skip. */
export function requireBuilt(tier: string, files: string[]): void {
  const missing = files.filter((f) => !fs.existsSync(f));
  if (missing.length === 0) return;
  console.log(`${tier}: FAILED, not built (npm run build): ${missing.map((f) => path.relative(repoRoot, f)).join(', ')}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

/** playwright-core lives in e2e/node_modules, outside the root package's resolution path. */
export function loadPlaywright(): PlaywrightModule {
  const requireFromE2e = createRequire(path.join(e2eDir, 'package.json'));
  return requireFromE2e('playwright-core') as PlaywrightModule;
}

// The few playwright-core shapes the harness uses. Declared here because the types ship with the package in
// e2e/node_modules, which the root type check must not depend on.
export interface Locator {
  first(): Locator;
  waitFor(options?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
  innerText(options?: { timeout?: number }): Promise<string>;
  count(): Promise<number>;
  boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null>;
}
export interface Keyboard {
  press(key: string): Promise<void>;
  type(text: string, options?: { delay?: number }): Promise<void>;
  insertText(text: string): Promise<void>;
}
export interface Mouse {
  click(x: number, y: number, options?: { clickCount?: number }): Promise<void>;
  dblclick(x: number, y: number): Promise<void>;
}
export interface Page {
  goto(url: string, options?: { timeout?: number }): Promise<unknown>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  exposeFunction(name: string, fn: (...args: never[]) => unknown): Promise<void>;
  waitForSelector(selector: string, options?: { timeout?: number; state?: 'attached' | 'detached' | 'visible' | 'hidden' }): Promise<unknown>;
  waitForFunction<A>(fn: (arg: A) => unknown, arg: A, options?: { timeout?: number; polling?: number }): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => R, arg: A): Promise<R>;
  locator(selector: string, options?: { hasText?: string | RegExp }): Locator;
  on(event: 'console', listener: (message: { type(): string; text(): string }) => void): void;
  on(event: 'pageerror', listener: (error: Error) => void): void;
  keyboard: Keyboard;
  mouse: Mouse;
}
export interface BrowserContext {
  pages(): Page[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
export interface PlaywrightModule {
  chromium: {
    launchPersistentContext(userDataDir: string, options: {
      executablePath: string; headless: boolean; env: Record<string, string | undefined>; args: string[];
      viewport: { width: number; height: number }; timeout?: number;
    }): Promise<BrowserContext>;
  };
}
