/**
 * Runs the same `vscode`-API mocha suite (test/vscode/suite) in desktop VS Code through @vscode/test-electron's
 * runTests, for machines that can download VS Code: `npm run test:electron`.
 *
 * NOT RUN on the project's build machine and not part of `npm test`: only the npm registry and Debian apt are
 * reachable there, and runTests must download VS Code from update.code.visualstudio.com (it fails with
 * ENOTFOUND). The code-server runner (runInCodeServer.ts) covers the same suite there. On a Linux machine without
 * a display, run this under xvfb-run.
 *
 * env: VSCODE_TEST_VERSION (default 1.100.3, the VS Code inside the pinned code-server, so both runners test the
 *      same API), VSCODE_TEST_EXECUTABLE (an installed VS Code instead of a download), KEEP_RUN_DIRS=1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { createRunDir, removeRunDir } from './harness/codeServer';
import { reportSuite } from './harness/results';
import { repoRoot, requireBuilt, seedWorkspace } from './harness/tools';

const TIER = 'vscode API (Electron)';

async function main(): Promise<number> {
  const suiteEntry = path.join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js');
  requireBuilt(TIER, [path.join(repoRoot, 'dist', 'extension.js'), path.join(repoRoot, 'dist', 'server.js'), suiteEntry]);
  const run = createRunDir('electron', seedWorkspace);
  const resultsFile = path.join(run.root, 'results.txt');
  let exitCode: number | undefined;
  let problem: string | undefined;
  try {
    exitCode = await runTests({
      version: process.env.VSCODE_TEST_VERSION ?? '1.100.3',
      vscodeExecutablePath: process.env.VSCODE_TEST_EXECUTABLE,
      cachePath: path.join(repoRoot, '.tmp', 'vscode-test'),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suiteEntry,
      extensionTestsEnv: { REGISTRY_GUARD_TEST_RESULTS: resultsFile },
      launchArgs: [run.workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
        '--disable-gpu', '--user-data-dir', run.userData, '--extensions-dir', run.extensions],
    });
  } catch (err) {
    // runTests rejects when VS Code exits non-zero (a failing suite) as well as when it cannot be downloaded.
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'number') exitCode = code;
    else problem = `VS Code did not run: ${err instanceof Error ? err.message : String(err)}`;
  }
  const results = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : '';
  removeRunDir(run);
  return reportSuite(results, { exitCode, problem });
}

main().then((code) => process.exit(code), (err) => {
  console.log(`${TIER}: ${err instanceof Error ? err.stack : String(err)}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
