/**
 * Runs the `vscode`-API mocha suite (test/vscode/suite) inside code-server's extension host, with Registry Guard
 * loaded from the repository as the extension under development.
 *
 * code-server has no --extensionDevelopmentPath flag. What works is what VS Code does for web and remote
 * "Extension Development Host" windows: the workbench URL carries
 *   payload=[["extensionDevelopmentPath", vscode-remote://<host>/<repo>], ["extensionTestsPath", .../suite/index.js]]
 * The remote (Node) extension host then loads the extension from the repository and runs the suite's run();
 * when it settles the workbench calls window.codeAutomationExit(code), which this runner exposes through
 * playwright-core. Headless Debian chromium is the browser.
 *
 * Two passes share one code-server and one browser, each in a fresh workbench window (own extension host and
 * language server) on its own fixture workspace: suite/index.js in test/fixtures/workspace-seed, then
 * suite/cel/index.js in test/fixtures/workspace-cel (the seed policy as a CEL ValidatingPolicy), so neither
 * workspace's policies reach the other's tests.
 *
 * usage: node out/test/vscode/runInCodeServer.js     (after `npm run build`; tools from e2e/setup.sh)
 * env:   VSCODE_TEST_TIMEOUT_MS (default 180000), KEEP_RUN_DIRS=1 keeps .tmp/runs/vscode-* for inspection;
 *        VSCODE_TEST_EXTENSION / VSCODE_TEST_SUITE / VSCODE_TEST_WORKSPACE point the harness at another extension,
 *        suite entry and workspace (one pass; to check the harness itself against a throw-away extension)
 * out:   the suites' `ok`/`not ok` lines and one `N passed, N failed`; test-results/vscode/ holds code-server.log,
 *        browser-console.log and a screenshot per pass (end.png, cel-end.png). Exit 0 only when every suite ran
 *        and nothing failed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeServer, createRunDir, launchBrowser, removeRunDir, type Browser } from './harness/codeServer';
import { reportSuites, type SuiteRun } from './harness/results';
import { codeServerTools, repoRoot, requireBuilt, requireTools, seedWorkspace, testResultsDir, type Page } from './harness/tools';
import { fixturesDir } from '../support/paths';

const TIER = 'vscode API (code-server)';

/** A fixture workspace and the suite entry whose tests run in it. */
interface Pass { name: string; workspace: string; suiteEntry: string; artifactPrefix: string }

function passes(): Pass[] {
  const suiteDir = path.join(repoRoot, 'out', 'test', 'vscode', 'suite');
  if (process.env.VSCODE_TEST_SUITE || process.env.VSCODE_TEST_WORKSPACE) {
    return [{
      name: '',
      workspace: process.env.VSCODE_TEST_WORKSPACE ?? seedWorkspace,
      suiteEntry: process.env.VSCODE_TEST_SUITE ?? path.join(suiteDir, 'index.js'),
      artifactPrefix: '',
    }];
  }
  return [
    { name: 'seed workspace', workspace: seedWorkspace, suiteEntry: path.join(suiteDir, 'index.js'), artifactPrefix: '' },
    // The seed with the policy as a CEL ValidatingPolicy: its own workspace, so neither policy sees the other's files.
    { name: 'CEL workspace', workspace: path.join(fixturesDir, 'workspace-cel'), suiteEntry: path.join(suiteDir, 'cel', 'index.js'), artifactPrefix: 'cel-' },
  ];
}

async function main(): Promise<number> {
  requireTools(TIER, codeServerTools());
  const extensionDir = process.env.VSCODE_TEST_EXTENSION ?? repoRoot;
  const plan = passes();
  requireBuilt(TIER, [path.join(extensionDir, 'dist', 'extension.js'), path.join(extensionDir, 'dist', 'server.js'), ...plan.map((p) => p.suiteEntry)]);

  const outDir = path.join(testResultsDir, 'vscode');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const run = createRunDir('vscode', plan[0].workspace);
  const workspaces = plan.map((p, i) => {
    if (i === 0) return run.workspace;
    const copy = path.join(run.root, path.basename(p.workspace)); // e.g. workspace-cel, beside the first pass's `workspace`
    fs.cpSync(p.workspace, copy, { recursive: true });
    return copy;
  });
  const resultsFile = path.join(run.root, 'results.txt');
  const timeoutMs = Number(process.env.VSCODE_TEST_TIMEOUT_MS ?? 180_000);
  const started = Date.now();

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const runs: SuiteRun[] = [];
  try {
    server = await CodeServer.start(run, { REGISTRY_GUARD_TEST_RESULTS: resultsFile });
    browser = await launchBrowser(run);
    let settle: (code: number) => void = () => undefined;
    // One code-server and one browser for every pass; each pass is a fresh workbench window (a new page), which
    // starts its own extension host with its own language server.
    let page: Page = browser.page;
    for (const [i, pass] of plan.entries()) {
      if (i > 0) {
        const previous = page;
        page = await browser.context.newPage();
        const lines = browser.console;
        page.on('console', (m) => lines.push(`[${pass.name}] [${m.type()}] ${m.text()}`));
        page.on('pageerror', (e) => lines.push(`[${pass.name}] [pageerror] ${e.message}`));
        await (previous as unknown as { close(): Promise<void> }).close(); // Page in harness/tools declares only what the UI tier uses
      }
      fs.rmSync(resultsFile, { force: true });
      const exited = new Promise<number>((resolve) => { settle = resolve; });
      await page.exposeFunction('codeAutomationExit', (code: number) => { settle(code); });
      const payload: [string, string][] = [
        ['extensionDevelopmentPath', server.remoteUri(extensionDir)],
        ['extensionTestsPath', server.remoteUri(pass.suiteEntry)],
      ];
      let exitCode: number | 'timeout' | undefined;
      let problem: string | undefined;
      try {
        await page.goto(server.workbenchUrl(workspaces[i], payload), { timeout: 60_000 });
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
        exitCode = await Promise.race([exited, timedOut]);
        clearTimeout(timer);
        const shot = exitCode === 'timeout' ? 'timeout.png' : 'end.png';
        await page.screenshot({ path: path.join(outDir, `${pass.artifactPrefix}${shot}`) }).catch(() => undefined);
        if (exitCode === 'timeout') problem = `the suite did not finish within ${timeoutMs} ms (screenshot test-results/vscode/${pass.artifactPrefix}timeout.png)`;
      } catch (err) {
        problem = `the run could not start: ${err instanceof Error ? err.stack ?? err.message : String(err)}`;
        await page.screenshot({ path: path.join(outDir, `${pass.artifactPrefix}error.png`) }).catch(() => undefined);
      }
      const results = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : '';
      if (exitCode === undefined && problem === undefined) problem = 'the extension host never ran the suite (see test-results/vscode/code-server.log)';
      runs.push({ name: pass.name, results, end: { exitCode: typeof exitCode === 'number' ? exitCode : undefined, problem } });
      console.log(`${TIER}${pass.name ? ` [${pass.name}]` : ''}: ${((Date.now() - started) / 1000).toFixed(1)} s, extension host exit code ${String(exitCode)}`);
    }
  } catch (err) {
    runs.push({ name: '', results: '', end: { exitCode: undefined, problem: `the run could not start: ${err instanceof Error ? err.stack ?? err.message : String(err)}` } });
    if (browser) await browser.page.screenshot({ path: path.join(outDir, 'error.png') }).catch(() => undefined);
  } finally {
    if (browser) {
      fs.writeFileSync(path.join(outDir, 'browser-console.log'), browser.console.join('\n'));
      await browser.context.close().catch(() => undefined);
    }
    if (server) {
      await server.stop();
      fs.writeFileSync(path.join(outDir, 'code-server.log'), server.log);
    }
  }

  fs.writeFileSync(path.join(outDir, 'results.txt'), runs.map((r) => r.results).join(''));
  removeRunDir(run);
  console.log(`${TIER}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return reportSuites(runs);
}

main().then((code) => process.exit(code), (err) => {
  console.log(`${TIER}: ${err instanceof Error ? err.stack : String(err)}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
