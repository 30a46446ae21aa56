/**
 * The seed scenario as a user sees it: the packaged extension (.vsix) installed into a fresh code-server, driven
 * in headless Debian chromium with playwright-core, asserting on what the workbench draws.
 *
 *   1. `npm run package` builds dist-vsix/registry-guard.vsix (UI_VSIX=<file> uses an existing one instead);
 *      code-server --install-extension puts it into an empty extensions dir.
 *   2. The seed workspace opens; pod.yaml opens through Quick Open.
 *   3. An error squiggle appears, drawn under the text `nginx` on the image line.
 *   4. Problems (Ctrl+Shift+M) lists Kyverno's message, the source and the rule.
 *   5. Typing the image `public.ecr.aws/nginx/nginx` clears the squiggle and the Problems panel.
 *   6. Typing `nginx` back brings the error back.
 *   7. Typing `Audit` over `Enforce` in the (unsaved) policy turns it into a warning squiggle under `nginx`.
 * A screenshot per step goes to test-results/ui/ (look at them: they are the evidence a person can check).
 *
 * usage: node out/test/ui/seedScenario.js   (after `npm run build`; tools from e2e/setup.sh)
 * out:   `ok`/`not ok` per step and `N passed, N failed`; a step after a failed one is not run and counts as failed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeServer, codeServerCommand, createRunDir, launchBrowser, removeRunDir, type Browser } from '../vscode/harness/codeServer';
import { codeServerTools, repoRoot, requireTools, seedWorkspace, testResultsDir, type Page } from '../vscode/harness/tools';

const TIER = 'UI (code-server + chromium)';
const EXTENSION_ID = 'registry-guard.registry-guard';
const ECR_IMAGE = 'public.ecr.aws/nginx/nginx';
const outDir = path.join(testResultsDir, 'ui');
const EDITOR = '.editor-instance .monaco-editor';

interface Rect { left: number; right: number; top: number; bottom: number }

// The functions handed to page.evaluate run in the browser. The project compiles without the DOM library, so the
// little of it they touch is declared here, for this module only.
interface DomNode { textContent: string | null; getBoundingClientRect(): Rect }
interface DomRange { setStart(node: DomNode, offset: number): void; setEnd(node: DomNode, offset: number): void; getBoundingClientRect(): Rect }
declare const document: {
  querySelector(selector: string): DomNode | null;
  querySelectorAll(selector: string): ArrayLike<DomNode & { getAttribute(name: string): string | null }>;
  createTreeWalker(root: DomNode, whatToShow: number): { nextNode(): DomNode | null };
  createRange(): DomRange;
};
declare const NodeFilter: { SHOW_TEXT: number };

/**
 * The on-screen box of `word` in the editor's first visible line that matches `line` (a regex source; Monaco
 * renders spaces as U+00A0, which the page normalises first). Undefined when no such line is rendered.
 */
function wordRect(page: Page, line: string, word: string): Promise<Rect | undefined> {
  return page.evaluate(({ editor, line, word }) => {
    const pattern = new RegExp(line);
    for (const el of Array.from(document.querySelectorAll(`${editor} .view-line`))) {
      const text = (el.textContent ?? '').replace(/\u00a0/g, ' ');
      if (!pattern.test(text)) continue;
      const at = text.indexOf(word, text.indexOf(':') + 1);
      if (at < 0) continue;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      let offset = 0;
      let startSet = false;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const length = node.textContent?.length ?? 0;
        if (!startSet && at < offset + length) { range.setStart(node, at - offset); startSet = true; }
        if (startSet && at + word.length <= offset + length) {
          range.setEnd(node, at + word.length - offset);
          const r = range.getBoundingClientRect();
          return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
        }
        offset += length;
      }
    }
    return undefined;
  }, { editor: EDITOR, line, word });
}

function squiggleRects(page: Page, kind: 'error' | 'warning'): Promise<Rect[]> {
  return page.evaluate(({ selector }) => Array.from(document.querySelectorAll(selector)).map((el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  }), { selector: `${EDITOR} .squiggly-${kind}` });
}

/** Waits until exactly one squiggle of `kind` is drawn, and it spans `word` on the matching line. */
async function waitForSquiggleUnder(page: Page, kind: 'error' | 'warning', line: string, word: string): Promise<string> {
  const deadline = Date.now() + 45_000;
  let last = '';
  for (;;) {
    const target = await wordRect(page, line, word);
    const squiggles = await squiggleRects(page, kind);
    if (target && squiggles.length === 1) {
      const [s] = squiggles;
      const sameLine = s.top < target.bottom && s.bottom > target.top - 2;
      const spans = Math.abs(s.left - target.left) <= 2 && Math.abs(s.right - target.right) <= 2;
      if (sameLine && spans) return `squiggle x ${s.left.toFixed(0)}-${s.right.toFixed(0)} matches "${word}" x ${target.left.toFixed(0)}-${target.right.toFixed(0)}`;
    }
    last = `word ${JSON.stringify(target)}, ${kind} squiggles ${JSON.stringify(squiggles)}`;
    if (Date.now() > deadline) throw new Error(`no single ${kind} squiggle under "${word}": ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

async function noSquiggles(page: Page): Promise<void> {
  await page.waitForFunction((editor) => !document.querySelector(`${editor} .squiggly-error, ${editor} .squiggly-warning`), EDITOR, { timeout: 30_000 });
}

async function quickOpen(page: Page, file: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget .quick-input-box input', { state: 'visible', timeout: 20_000 });
  await page.keyboard.type(file);
  // The list first shows recently opened files; Enter only once the filtered, focused row is the file.
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: file }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: file }).first().waitFor({ timeout: 20_000 });
  await page.waitForSelector(`${EDITOR} .view-lines`, { timeout: 20_000 });
}

/** Puts the cursor on the matching line and retypes it from its first non-blank character, as a user would. */
async function retypeLine(page: Page, line: string, anchorWord: string, newText: string): Promise<void> {
  const at = await wordRect(page, line, anchorWord);
  if (!at) throw new Error(`no line /${line}/ with "${anchorWord}" on screen`);
  await page.mouse.click((at.left + at.right) / 2, (at.top + at.bottom) / 2);
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.type(newText);
  await page.keyboard.press('Escape'); // close any suggestion widget the typing opened
  const expectedLine = `^\\s*${escapeRegExp(newText)}\\s*$`;
  const deadline = Date.now() + 10_000;
  while (!(await wordRect(page, expectedLine, newText.slice(newText.indexOf(':') + 1).trim()))) {
    if (Date.now() > deadline) throw new Error(`the editor does not show "${newText}" after typing`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

async function problemsText(page: Page): Promise<string> {
  return (await page.locator('.markers-panel').first().innerText({ timeout: 10_000 })).replace(/\s+/g, ' ').trim();
}

/**
 * The Problems panel as its rows' accessible names: "N problems in file F of folder ." for a file, "Error: <message>
 * at line L and character C ... generated by <source>" for a marker.
 */
function problemRows(page: Page): Promise<string[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll('.markers-panel .monaco-list-row'))
    .map((row) => row.getAttribute('aria-label') ?? ''), undefined);
}

/**
 * Waits until Problems lists exactly one file, pod.yaml, with one `severity` marker: Kyverno's message at the image,
 * from Registry Guard. The panel redraws a little after the editor, so this also lets stale rows go.
 */
async function waitForSeedProblem(page: Page, severity: 'Error' | 'Warning'): Promise<string[]> {
  const { line, character } = seedImagePosition();
  const deadline = Date.now() + 20_000;
  for (;;) {
    const rows = await problemRows(page);
    const files = rows.filter((r) => / problems? in file /.test(r));
    const markers = rows.filter((r) => /^(Error|Warning|Info|Hint): /.test(r));
    const marker = markers[0] ?? '';
    if (files.length === 1 && /problems? in file pod\.yaml /.test(files[0]) && markers.length === 1
      && marker.startsWith(`${severity}: Unknown Image registry.`) && marker.includes(`at line ${line} and character ${character}`)
      && marker.endsWith('generated by Registry Guard')) return rows;
    if (Date.now() > deadline) throw new Error(`Problems never showed just the ${severity} on pod.yaml line ${line}:${character}: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** 1-based line and character of `nginx` on the seed Pod's image line, as the Problems panel reports them. */
function seedImagePosition(): { line: number; character: number } {
  const lines = fs.readFileSync(path.join(seedWorkspace, 'pod.yaml'), 'utf8').split('\n');
  const index = lines.findIndex((l) => /^\s*- image: nginx\s*$/.test(l));
  return { line: index + 1, character: lines[index].indexOf('nginx', lines[index].indexOf(':')) + 1 };
}

function packageVsix(): string {
  if (process.env.UI_VSIX) {
    const given = path.resolve(process.env.UI_VSIX);
    if (!fs.existsSync(given)) throw new Error(`UI_VSIX=${given} does not exist`);
    return given;
  }
  const vsix = path.join(repoRoot, 'dist-vsix', 'registry-guard.vsix');
  fs.rmSync(vsix, { force: true });
  const npm = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
  if (npm.status !== 0 || !fs.existsSync(vsix)) {
    throw new Error(`npm run package failed (exit ${String(npm.status)}):\n${npm.stdout}\n${npm.stderr}`);
  }
  return vsix;
}

async function main(): Promise<number> {
  requireTools(TIER, codeServerTools());
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const results: { name: string; ok: boolean; detail: string; seconds: number }[] = [];
  const started = Date.now();
  let failedAlready = false;
  let browser: Browser | undefined;
  let server: CodeServer | undefined;
  let shot = 0;
  const screenshot = async (name: string): Promise<void> => {
    if (!browser) return;
    shot++;
    await browser.page.screenshot({ path: path.join(outDir, `${String(shot).padStart(2, '0')}-${name}.png`) });
  };
  const step = async (name: string, body: () => Promise<string | void>): Promise<void> => {
    if (failedAlready) {
      results.push({ name, ok: false, detail: 'not run: an earlier step failed', seconds: 0 });
      return;
    }
    try {
      const detail = await body();
      results.push({ name, ok: true, detail: detail ?? '', seconds: (Date.now() - started) / 1000 });
    } catch (err) {
      failedAlready = true;
      results.push({ name, ok: false, detail: err instanceof Error ? err.message : String(err), seconds: (Date.now() - started) / 1000 });
      await screenshot('failure').catch(() => undefined);
    }
  };

  const run = createRunDir('ui', seedWorkspace);
  try {
    let vsix = '';
    await step(process.env.UI_VSIX ? 'the .vsix given in UI_VSIX exists' : 'npm run package builds the .vsix', async () => {
      vsix = packageVsix();
      return `${path.relative(repoRoot, vsix)}, ${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB`;
    });
    await step('the .vsix installs into a fresh extensions dir', async () => {
      const install = await codeServerCommand(run, ['--install-extension', vsix, '--force']);
      const list = await codeServerCommand(run, ['--list-extensions', '--show-versions']);
      if (install.code !== 0 || !list.output.includes(EXTENSION_ID)) throw new Error(`install exit ${String(install.code)}:\n${install.output}\n${list.output}`);
      return list.output.trim();
    });
    await step('code-server opens the seed workspace in chromium', async () => {
      server = await CodeServer.start(run);
      browser = await launchBrowser(run);
      await browser.page.goto(server.workbenchUrl(run.workspace), { timeout: 60_000 });
      await browser.page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
      await screenshot('workbench');
    });
    const page = (): Page => {
      if (!browser) throw new Error('no browser');
      return browser.page;
    };
    await step('pod.yaml opens through Quick Open', async () => {
      await quickOpen(page(), 'pod.yaml');
      await page().waitForFunction((editor) => document.querySelector(`${editor} .view-lines`)?.textContent?.includes('image:'), EDITOR, { timeout: 20_000 });
    });
    await step('an error squiggle is drawn under `nginx`', async () => {
      const where = await waitForSquiggleUnder(page(), 'error', '^\\s*- image: nginx\\s*$', 'nginx');
      await screenshot('error-squiggle');
      return where;
    });
    await step('Problems (Ctrl+Shift+M) lists Kyverno\'s message with source and rule', async () => {
      await page().keyboard.press('Control+Shift+M');
      await waitForSeedProblem(page(), 'Error');
      const text = await problemsText(page());
      if (!text.includes('restrict-image-registries/validate-registries')) throw new Error(`Problems does not name the rule: ${text}`);
      await screenshot('problems');
      return text;
    });
    await step(`typing the image ${ECR_IMAGE} clears the squiggle and the Problems panel`, async () => {
      await retypeLine(page(), '^\\s*- image: nginx\\s*$', 'nginx', `- image: ${ECR_IMAGE}`);
      await noSquiggles(page());
      await page().waitForFunction(() => !document.querySelector('.markers-panel .monaco-list-row'), undefined, { timeout: 20_000 });
      await screenshot('cleared');
      return await problemsText(page());
    });
    await step('typing `nginx` back brings the error back', async () => {
      await retypeLine(page(), `^\\s*- image: ${escapeRegExp(ECR_IMAGE)}\\s*$`, 'public', '- image: nginx');
      const where = await waitForSquiggleUnder(page(), 'error', '^\\s*- image: nginx\\s*$', 'nginx');
      await waitForSeedProblem(page(), 'Error');
      await screenshot('error-back');
      return where;
    });
    await step('typing Audit over Enforce in the policy (unsaved)', async () => {
      await quickOpen(page(), 'restrict-image-registries.yaml');
      await retypeLine(page(), '^\\s*validationFailureAction: Enforce\\s*$', 'Enforce', 'validationFailureAction: Audit');
      await page().locator('.tabs-container .tab.active.dirty', { hasText: 'restrict-image-registries.yaml' }).first().waitFor({ timeout: 5_000 });
      // Half-typed lines are briefly invalid YAML (a squiggle in the policy); the finished policy has none.
      await noSquiggles(page());
      await waitForSeedProblem(page(), 'Warning');
      await screenshot('policy-audit');
    });
    await step('pod.yaml now shows a warning squiggle under `nginx` and no error', async () => {
      await quickOpen(page(), 'pod.yaml');
      const where = await waitForSquiggleUnder(page(), 'warning', '^\\s*- image: nginx\\s*$', 'nginx');
      const errors = await squiggleRects(page(), 'error');
      if (errors.length > 0) throw new Error(`still ${errors.length} error squiggle(s)`);
      await waitForSeedProblem(page(), 'Warning');
      await screenshot('warning-squiggle');
      return `${where}; Problems: ${await problemsText(page())}`;
    });
  } finally {
    if (browser) {
      fs.writeFileSync(path.join(outDir, 'browser-console.log'), browser.console.join('\n'));
      await browser.context.close().catch(() => undefined);
    }
    if (server) {
      await server.stop();
      fs.writeFileSync(path.join(outDir, 'code-server.log'), server.log);
    }
    removeRunDir(run);
  }

  for (const r of results) {
    console.log(`${r.ok ? 'ok' : 'not ok'} - ${r.name} [${r.seconds.toFixed(1)} s]${r.detail ? `\n    ${r.detail.replace(/\n/g, '\n    ')}` : ''}`);
  }
  console.log(`${TIER}: screenshots in ${path.relative(repoRoot, outDir)}/`);
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  console.log(`${TIER}: ${err instanceof Error ? err.stack : String(err)}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
