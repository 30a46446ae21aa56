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
 * usage: node out/test/vscode/runInCodeServer.js     (after `npm run build`; tools from e2e/setup.sh)
 * env:   VSCODE_TEST_TIMEOUT_MS (default 180000), KEEP_RUN_DIRS=1 keeps .tmp/runs/vscode-* for inspection;
 *        VSCODE_TEST_EXTENSION / VSCODE_TEST_SUITE / VSCODE_TEST_WORKSPACE point the harness at another extension,
 *        suite entry and workspace (to check the harness itself against a throw-away extension)
 * out:   the suite's `ok`/`not ok` lines and `N passed, N failed`; test-results/vscode/ holds code-server.log,
 *        browser-console.log and a screenshot. Exit 0 only when the suite ran and nothing failed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeServer, createRunDir, launchBrowser, removeRunDir, type Browser } from './harness/codeServer';
import { reportSuite } from './harness/results';
import { codeServerTools, repoRoot, requireBuilt, requireTools, seedWorkspace, testResultsDir } from './harness/tools';

const TIER = 'vscode API (code-server)';

async function main(): Promise<number> {
  requireTools(TIER, codeServerTools());
  const extensionDir = process.env.VSCODE_TEST_EXTENSION ?? repoRoot;
  const suiteEntry = process.env.VSCODE_TEST_SUITE ?? path.join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js');
  requireBuilt(TIER, [path.join(extensionDir, 'dist', 'extension.js'), path.join(extensionDir, 'dist', 'server.js'), suiteEntry]);

  const outDir = path.join(testResultsDir, 'vscode');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const run = createRunDir('vscode', process.env.VSCODE_TEST_WORKSPACE ?? seedWorkspace);
  const resultsFile = path.join(run.root, 'results.txt');
  const timeoutMs = Number(process.env.VSCODE_TEST_TIMEOUT_MS ?? 180_000);
  const started = Date.now();

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let exitCode: number | 'timeout' | undefined;
  try {
    server = await CodeServer.start(run, { REGISTRY_GUARD_TEST_RESULTS: resultsFile });
    browser = await launchBrowser(run);
    let settle: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => { settle = resolve; });
    await browser.page.exposeFunction('codeAutomationExit', (code: number) => { settle(code); });
    const payload: [string, string][] = [
      ['extensionDevelopmentPath', server.remoteUri(extensionDir)],
      ['extensionTestsPath', server.remoteUri(suiteEntry)],
    ];
    await browser.page.goto(server.workbenchUrl(run.workspace, payload), { timeout: 60_000 });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
    exitCode = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    await browser.page.screenshot({ path: path.join(outDir, exitCode === 'timeout' ? 'timeout.png' : 'end.png') }).catch(() => undefined);
  } catch (err) {
    console.log(`${TIER}: the run could not start: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
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

  const results = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : '';
  fs.writeFileSync(path.join(outDir, 'results.txt'), results);
  removeRunDir(run);
  console.log(`${TIER}: ${((Date.now() - started) / 1000).toFixed(1)} s, extension host exit code ${String(exitCode)}`);
  return reportSuite(results, {
    exitCode: typeof exitCode === 'number' ? exitCode : undefined,
    problem: exitCode === 'timeout'
      ? `the suite did not finish within ${timeoutMs} ms (screenshot test-results/vscode/timeout.png)`
      : exitCode === undefined ? 'the extension host never ran the suite (see test-results/vscode/code-server.log)' : undefined,
  });
}

main().then((code) => process.exit(code), (err) => {
  console.log(`${TIER}: ${err instanceof Error ? err.stack : String(err)}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
